#include "tasks/exact_copy_check.hpp"

#include <algorithm>
#include <span>
#include <vector>

#include "arith/errors.hpp"
#include "arith/exact.hpp"
#include "core/random.hpp"
#include "models/selective_scan.hpp"
#include "models/sparse_scan.hpp"
#include "models/sequence_matrix.hpp"

namespace freelunch::tasks {
namespace {

void require_same_length(const models::ScanParams<Rational>& p, const CopySchedule& s) {
  if (p.length != s.length)
    throw UsageError("layer of N = " + std::to_string(p.length) + " steps judged on a schedule of N = " + std::to_string(s.length));
}

}  // namespace

std::string ExactCopyJudgement::describe(const CopySchedule& schedule) const {
  if (!holds) {
    if (!first_failure) return "fails";
    const std::size_t k = *first_failure;
    return "fails at output " + std::to_string(k + 1) + " (step " + std::to_string(schedule.outputs[k] + 1) + ", source " +
           std::to_string(schedule.sources[k] + 1) + "): " +
           (method == ExactCopyMethod::matrix ? "its row of M is not e_pos(i)" : "y_i != u_pos(i) on a random input (a witness)");
  }
  if (method == ExactCopyMethod::matrix) return "exact COPY for all inputs: every output row of M is e_pos(i) (matrix formed exactly)";
  return "exact COPY for all inputs, randomized: y_i = u_pos(i) on " + std::to_string(trials) +
         " random inputs of the exact scan, P(wrong) <= 2^" + std::to_string(log2_error_probability);
}

ExactCopyJudgement judge_exact_copy_matrix(const models::ScanParams<Rational>& params, const CopySchedule& schedule,
                                           const models::RoundingSemantics& sem) {
  require_same_length(params, schedule);
  ExactCopyJudgement j;
  j.method = ExactCopyMethod::matrix;
  if (schedule.outputs.empty()) {
    j.holds = true;
    return j;
  }
  const std::size_t r0 = schedule.outputs.front(), r1 = schedule.outputs.back() + 1;
  return arith::run_exact([&](const auto& ar) {
    ExactCopyJudgement out = j;
    out.path = ar.path();
    const auto p = models::to_arithmetic(ar, params, sem);
    const auto m = models::sequence_matrix_block(ar, p, r0, r1, 0, r1, sem);
    const auto zero = ar.from_int(0), one = ar.from_int(1);
    for (std::size_t k = 0; k < schedule.outputs.size(); ++k) {
      const std::size_t row = schedule.outputs[k] - r0;
      for (std::size_t col = 0; col <= schedule.outputs[k]; ++col) {
        if (!schedule.input_positions[col]) continue;  // multiplies an input that is zero by the schedule
        if (!(m(row, col) == (col == schedule.sources[k] ? one : zero))) {
          out.first_failure = k;
          return out;
        }
      }
    }
    out.holds = true;
    return out;
  });
}

namespace {

// Freivalds' random inputs: entries uniform in {0, ..., 2^32 - 1} on the input positions, zero elsewhere.
std::vector<std::vector<long>> freivalds_inputs(const CopySchedule& schedule, unsigned trials, std::uint64_t seed) {
  if (trials == 0) throw UsageError("Freivalds' check needs at least one trial");
  Rng rng(seed);
  std::vector<std::vector<long>> inputs(trials, std::vector<long>(schedule.length, 0));
  for (auto& u : inputs)
    for (std::size_t t = 0; t < schedule.length; ++t)
      if (schedule.input_positions[t]) u[t] = static_cast<long>(rng.uniform(0, (1LL << 32) - 1));
  return inputs;
}

ExactCopyJudgement freivalds_judgement(unsigned trials) {
  ExactCopyJudgement j;
  j.method = ExactCopyMethod::freivalds;
  j.trials = trials;
  j.log2_error_probability = -32L * static_cast<long>(trials);
  return j;
}

}  // namespace

ExactCopyJudgement judge_exact_copy_freivalds(const models::SparseScalarScan& params, const CopySchedule& schedule, unsigned trials,
                                              std::uint64_t seed, const models::RoundingSemantics& sem) {
  if (params.length != schedule.length)
    throw UsageError("layer of N = " + std::to_string(params.length) + " steps judged on a schedule of N = " + std::to_string(schedule.length));
  const auto inputs = freivalds_inputs(schedule, trials, seed);
  ExactCopyJudgement out = freivalds_judgement(trials);
  out.path = "rational, sparse";
  const models::SparseScalarScan p = models::through_storage(params, sem);
  for (const auto& values : inputs) {
    const std::vector<Rational> u(values.begin(), values.end());
    const std::vector<Rational> y = models::sparse_scalar_scan(p, u);
    for (std::size_t k = 0; k < schedule.outputs.size(); ++k)
      if (y[schedule.outputs[k]] != u[schedule.sources[k]]) {
        if (!out.first_failure || k < *out.first_failure) out.first_failure = k;
        break;
      }
  }
  out.holds = !out.first_failure;
  return out;
}

ExactCopyJudgement judge_exact_copy_freivalds(const models::ScanParams<Rational>& params, const CopySchedule& schedule, unsigned trials,
                                              std::uint64_t seed, const models::RoundingSemantics& sem) {
  require_same_length(params, schedule);
  const auto inputs = freivalds_inputs(schedule, trials, seed);
  const ExactCopyJudgement j = freivalds_judgement(trials);
  return arith::run_exact([&](const auto& ar) {
    using V = typename std::decay_t<decltype(ar)>::value_type;
    ExactCopyJudgement out = j;
    out.path = ar.path();
    const auto p = models::to_arithmetic(ar, params, sem);
    for (const auto& values : inputs) {
      std::vector<V> u;
      u.reserve(values.size());
      for (long v : values) u.push_back(ar.from_int(v));
      const std::vector<V> y = models::selective_scan(ar, p, std::span<const V>(u), sem);
      for (std::size_t k = 0; k < schedule.outputs.size(); ++k)
        if (!(y[schedule.outputs[k]] == u[schedule.sources[k]])) {
          if (!out.first_failure || k < *out.first_failure) out.first_failure = k;
          break;
        }
    }
    out.holds = !out.first_failure;
    return out;
  });
}

ExactCopyJudgement judge_exact_copy(const models::ScanParams<Rational>& params, const CopySchedule& schedule, std::size_t matrix_up_to,
                                    unsigned trials, std::uint64_t seed, const models::RoundingSemantics& sem) {
  if (params.length <= matrix_up_to) return judge_exact_copy_matrix(params, schedule, sem);
  return judge_exact_copy_freivalds(params, schedule, trials, seed, sem);
}

}  // namespace freelunch::tasks
