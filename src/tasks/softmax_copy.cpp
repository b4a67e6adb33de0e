#include "tasks/softmax_copy.hpp"

#include <algorithm>
#include <set>

#include "arith/errors.hpp"
#include "core/random.hpp"

namespace freelunch::tasks {

SoftmaxCopyLayer::SoftmaxCopyLayer(CopySchedule schedule, long beta) : schedule_(std::move(schedule)), beta_(beta) {
  if (beta < 1) throw UsageError("the softmax copy construction needs beta >= 1");
}

std::array<Rational, 3> SoftmaxCopyLayer::key(std::size_t j) const {
  if (auto it = keys_replaced_.find(j); it != keys_replaced_.end()) return it->second;
  const Rational position(static_cast<unsigned long>(j + 1));
  return {Rational(1), position, position * position};
}

std::array<Rational, 3> SoftmaxCopyLayer::query(std::size_t k) const {
  if (auto it = queries_replaced_.find(k); it != queries_replaced_.end()) return it->second;
  return query_at(schedule_.sources[k]);
}

std::array<Rational, 3> SoftmaxCopyLayer::query_at(std::size_t position) const {
  const Rational p(static_cast<unsigned long>(position + 1));
  const Rational b(beta_);
  return {-b * p * p, 2 * b * p, -b};
}

void SoftmaxCopyLayer::replace_key(std::size_t j, const std::array<Rational, 3>& key) {
  if (j >= schedule_.length) throw UsageError("replace_key: step " + std::to_string(j) + " is outside the schedule");
  keys_replaced_[j] = key;
}

void SoftmaxCopyLayer::replace_query(std::size_t k, const std::array<Rational, 3>& query) {
  if (k >= schedule_.outputs.size()) throw UsageError("replace_query: output " + std::to_string(k) + " is outside the schedule");
  queries_replaced_[k] = query;
}

Rational SoftmaxCopyLayer::logit(std::size_t k, std::size_t j) const {
  const Rational d = Rational(static_cast<unsigned long>(j)) - Rational(static_cast<unsigned long>(schedule_.sources[k]));
  return -Rational(beta_) * d * d;
}

linalg::Matrix<Rational> SoftmaxCopyLayer::keys() const {
  linalg::Matrix<Rational> m(schedule_.length, 3, Rational(0));
  for (std::size_t j = 0; j < schedule_.length; ++j) {
    const auto k = key(j);
    for (std::size_t c = 0; c < 3; ++c) m(j, c) = k[c];
  }
  return m;
}

linalg::Matrix<Rational> SoftmaxCopyLayer::queries() const {
  linalg::Matrix<Rational> m(schedule_.length, 3, Rational(0));
  for (std::size_t k = 0; k < schedule_.outputs.size(); ++k) {
    const auto q = query(k);
    for (std::size_t c = 0; c < 3; ++c) m(schedule_.outputs[k], c) = q[c];
  }
  return m;
}

std::string RowSample::describe() const {
  if (all()) return "all " + std::to_string(total) + " rows";
  return "sampled (" + std::to_string(outputs.size()) + " of " + std::to_string(total) +
         " rows: first 8, last 8, 8 with the largest pos(i), 16 evenly spaced)";
}

RowSample sample_rows(const CopySchedule& schedule, std::size_t all_up_to) {
  RowSample r;
  r.total = schedule.outputs.size();
  if (r.total <= all_up_to) {
    for (std::size_t k = 0; k < r.total; ++k) r.outputs.push_back(k);
    return r;
  }
  std::set<std::size_t> chosen;
  for (std::size_t k = 0; k < 8 && k < r.total; ++k) {
    chosen.insert(k);
    chosen.insert(r.total - 1 - k);
  }
  std::vector<std::size_t> all(r.total);
  for (std::size_t k = 0; k < r.total; ++k) all[k] = k;
  const std::vector<std::size_t> hard = hardest_first(schedule, all);
  for (std::size_t k = 0; k < 8 && k < hard.size(); ++k) chosen.insert(hard[k]);
  for (std::size_t m = 0; m < 16; ++m) chosen.insert(m * (r.total - 1) / 15);
  r.outputs.assign(chosen.begin(), chosen.end());
  return r;
}

std::vector<std::size_t> hardest_first(const CopySchedule& schedule, const std::vector<std::size_t>& outputs) {
  std::vector<std::size_t> out = outputs;
  std::stable_sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
    if (schedule.sources[a] != schedule.sources[b]) return schedule.sources[a] > schedule.sources[b];
    return a > b;
  });
  return out;
}

std::vector<long> random_integer_inputs(const CopySchedule& schedule, long bound, std::uint64_t seed) {
  if (bound < 1) throw UsageError("the input bound V must be at least 1");
  Rng rng(seed);
  std::vector<long> u(schedule.length, 0);
  for (std::size_t t = 0; t < schedule.length; ++t)
    if (schedule.input_positions[t]) u[t] = static_cast<long>(rng.uniform(-bound, bound));
  return u;
}

}  // namespace freelunch::tasks
