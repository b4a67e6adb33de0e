#include "tasks/copy_schedule.hpp"

#include <algorithm>

#include "arith/errors.hpp"

namespace freelunch::tasks {
namespace {

void require_positive(std::size_t value, const char* what) {
  if (value == 0) throw UsageError(std::string(what) + " must be at least 1");
}

CopySchedule copy_then_output(std::string name, std::size_t copy_length, bool reversed) {
  require_positive(copy_length, "copy length L");
  CopySchedule s{std::move(name), 2 * copy_length, {}, {}, std::vector<bool>(2 * copy_length, false)};
  for (std::size_t r = 0; r < copy_length; ++r) {
    s.input_positions[r] = true;
    s.outputs.push_back(copy_length + r);
    s.sources.push_back(reversed ? copy_length - 1 - r : r);
  }
  return s;
}

}  // namespace

std::size_t CopySchedule::max_distance() const {
  std::size_t d = 0;
  for (std::size_t k = 0; k < outputs.size(); ++k) d = std::max(d, distance(k));
  return d;
}

CopySchedule shift_schedule(std::size_t length, std::size_t k) {
  require_positive(length, "sequence length N");
  if (k >= length) throw UsageError("shift " + std::to_string(k) + " needs N > k (N = " + std::to_string(length) + ")");
  CopySchedule s{"shift k=" + std::to_string(k) + " N=" + std::to_string(length), length, {}, {}, std::vector<bool>(length, true)};
  for (std::size_t i = k; i < length; ++i) {
    s.outputs.push_back(i);
    s.sources.push_back(i - k);
  }
  return s;
}

CopySchedule full_copy_schedule(std::size_t copy_length) {
  return copy_then_output("full L=" + std::to_string(copy_length), copy_length, false);
}

CopySchedule reverse_schedule(std::size_t copy_length) {
  return copy_then_output("reverse L=" + std::to_string(copy_length), copy_length, true);
}

CopySchedule distance_schedule(std::size_t distance) {
  require_positive(distance, "copy distance");
  CopySchedule s{"distance " + std::to_string(distance), distance + 1, {distance}, {0}, std::vector<bool>(distance + 1, false)};
  s.input_positions[0] = true;
  return s;
}

CopySchedule explicit_schedule(std::size_t length, std::vector<std::pair<std::size_t, std::size_t>> pairs) {
  require_positive(length, "sequence length N");
  std::sort(pairs.begin(), pairs.end());
  CopySchedule s{"explicit N=" + std::to_string(length), length, {}, {}, std::vector<bool>(length, true)};
  for (const auto& [i, pos] : pairs) {
    if (i >= length || pos > i)
      throw UsageError("copy pair (" + std::to_string(i + 1) + ", " + std::to_string(pos + 1) + ") needs pos <= i <= N");
    if (!s.outputs.empty() && s.outputs.back() == i) throw UsageError("output step " + std::to_string(i + 1) + " listed twice");
    s.outputs.push_back(i);
    s.sources.push_back(pos);
  }
  return s;
}

CopySchedule make_schedule(const std::string& kind, std::size_t copy_length, std::size_t shift) {
  if (kind == "full") return full_copy_schedule(copy_length);
  if (kind == "reverse") return reverse_schedule(copy_length);
  if (kind == "shift") return shift_schedule(copy_length, shift);
  if (kind == "distance") return distance_schedule(copy_length);
  throw UsageError("unknown schedule '" + kind + "'; valid: full, reverse, shift, distance");
}

}  // namespace freelunch::tasks
