#include "tasks/copy_schedule.hpp"

#include <algorithm>

#include "arith/errors.hpp"
#include "core/random.hpp"

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

CopySchedule associative_recall_schedule(const std::vector<long>& keys, const std::vector<long>& queries) {
  require_positive(keys.size(), "number of key-value pairs");
  require_positive(queries.size(), "number of queries");
  const std::size_t pairs = keys.size();
  CopySchedule s{"recall K=" + std::to_string(pairs) + " Q=" + std::to_string(queries.size()), pairs + queries.size(), {}, {},
                 std::vector<bool>(pairs + queries.size(), false)};
  for (std::size_t j = 0; j < pairs; ++j) s.input_positions[j] = true;
  for (std::size_t q = 0; q < queries.size(); ++q) {
    std::size_t match = pairs;
    for (std::size_t j = 0; j < pairs; ++j)
      if (keys[j] == queries[q]) match = j;  // the last one
    if (match == pairs) throw UsageError("recall query " + std::to_string(q + 1) + " (token " + std::to_string(queries[q]) + ") matches no key");
    s.outputs.push_back(pairs + q);
    s.sources.push_back(match);
  }
  return s;
}

CopySchedule random_recall_schedule(std::size_t pairs, std::uint64_t seed) {
  require_positive(pairs, "number of key-value pairs");
  Rng rng(seed);
  // Distinct keys: a partial Fisher–Yates shuffle of the vocabulary {0..2K-1}.
  std::vector<long> vocabulary(2 * pairs);
  for (std::size_t t = 0; t < vocabulary.size(); ++t) vocabulary[t] = static_cast<long>(t);
  for (std::size_t k = 0; k < pairs; ++k)
    std::swap(vocabulary[k], vocabulary[k + static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(vocabulary.size() - 1 - k)))]);
  const std::vector<long> keys(vocabulary.begin(), vocabulary.begin() + static_cast<std::ptrdiff_t>(pairs));
  std::vector<long> queries(pairs);
  for (long& q : queries) q = keys[static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(pairs - 1)))];
  return associative_recall_schedule(keys, queries);
}

CopySchedule make_schedule(const std::string& kind, std::size_t copy_length, std::size_t shift, std::uint64_t seed) {
  if (kind == "full") return full_copy_schedule(copy_length);
  if (kind == "reverse") return reverse_schedule(copy_length);
  if (kind == "shift") return shift_schedule(copy_length, shift);
  if (kind == "distance") return distance_schedule(copy_length);
  if (kind == "recall") return random_recall_schedule(copy_length, seed);
  throw UsageError("unknown schedule '" + kind + "'; valid: full, reverse, shift, distance, recall");
}

}  // namespace freelunch::tasks
