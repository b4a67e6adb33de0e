#include "dp/checks.hpp"

#include <cmath>
#include <sstream>

#include "core/deviation.hpp"
#include "dp/generate.hpp"
#include "linalg/rank.hpp"

namespace freelunch::dp {
namespace {

std::string join_tokens(const std::optional<long>& token) { return token ? std::to_string(*token) : std::string("no token"); }

// The outcome of one input in the arithmetic the precision names.
CotOutcome run_one(const Problem& problem, const Model& model, const std::vector<long>& input, const arith::Precision& precision,
                   const models::RoundingSemantics& sem, bool stop_at_first_wrong, std::string* arithmetic_name) {
  return arith::with_arithmetic(precision, [&](const auto& ar) {
    if (arithmetic_name) *arithmetic_name = ar.name();
    return generate_cot(ar, problem, model, input, sem, CotOptions{stop_at_first_wrong, false});
  });
}

bool is_exact_or_certified(const arith::Precision& p) {
  return std::holds_alternative<arith::ExactSpec>(p.spec) || std::holds_alternative<arith::IntervalSpec>(p.spec);
}

std::string describe_failure(const CotOutcome& out) {
  const std::size_t i = *out.first_wrong;
  std::string s = "dp(" + std::to_string(i) + ") = " + join_tokens(out.first_wrong_token) + ", expected " + std::to_string(out.expected[i - 1]);
  if (out.state == CotOutcome::State::undecided) s += " (enclosure not inside one rounding interval)";
  return s;
}

}  // namespace

std::vector<std::size_t> cost_lengths() {
  std::vector<std::size_t> t;
  for (std::size_t k = 6; k <= 16; ++k) t.push_back(std::size_t{1} << k);
  return t;
}

std::uint64_t input_seed(std::uint64_t seed, std::size_t length, std::size_t k) {
  return seed * 1000003ULL + static_cast<std::uint64_t>(length) * 1009ULL + k;
}

long softmax_precision_bits(std::size_t length) {
  const double n = 2.0 * static_cast<double>(length) + 1.0;
  return 2 * static_cast<long>(std::ceil(std::log2(n))) + 32;
}

std::vector<std::function<CheckResult()>> softmax_cot_jobs(const Problem& problem, ModelKind kind, const std::vector<std::size_t>& lengths,
                                                           std::size_t certify_up_to, std::size_t inputs, std::uint64_t seed,
                                                           const models::RoundingSemantics& sem) {
  std::vector<std::function<CheckResult()>> jobs;
  for (std::size_t t : lengths) {
    const std::string bits = std::to_string(softmax_precision_bits(t));
    for (const std::string& family : {std::string("mpfr"), std::string("interval")}) {
      if (family == "interval" && t > certify_up_to) continue;
      const arith::Precision precision = arith::parse_precision(family + bits);
      jobs.push_back([=] { return check_cot(problem, kind, t, inputs, seed, precision, sem); });
    }
  }
  return jobs;
}

CheckResult check_cot(const Problem& problem, ModelKind kind, std::size_t length, std::size_t inputs, std::uint64_t seed,
                      const arith::Precision& precision, const models::RoundingSemantics& sem) {
  const Model model = make_model(kind, problem, length);
  CheckResult r{"CoT = direct solution", problem.name() + ", " + model.describe() + ", T=" + std::to_string(length), precision.name,
                sem.to_string(), Verdict::verified, "", {}};
  r.data = {{"problem", problem.id()}, {"model", model.id()}, {"T", length}, {"inputs", inputs}};
  if (problem.has_modulus()) r.data["p"] = problem.modulus();
  Rational worst_readout = 0;
  for (std::size_t k = 0; k < inputs; ++k) {
    const auto input = problem.random_input(length, input_seed(seed, length, k));
    std::string name;
    const CotOutcome out = run_one(problem, model, input, precision, sem, true, &name);
    r.precision = name;
    if (out.max_readout_error > worst_readout) worst_readout = out.max_readout_error;
    if (!out.correct()) {
      r.verdict = Verdict::fails;
      r.detail = "input " + std::to_string(k + 1) + " of " + std::to_string(inputs) + ": first wrong token " + describe_failure(out);
      r.data["first_failing_input"] = k + 1;
      r.data["first_wrong"] = *out.first_wrong;
      return r;
    }
  }
  r.verdict = is_exact_or_certified(precision) ? Verdict::verified : Verdict::holds_numerically;
  std::ostringstream detail;
  detail << inputs << " inputs, every token right; largest read-out error " << short_decimal(worst_readout);
  r.detail = detail.str();
  r.data["max_readout_error"] = freelunch::to_string(worst_readout);
  return r;
}

CheckResult halfindex_rank_bound(std::size_t length) {
  const std::size_t r = length / 2;
  // Block rows i in (r, T], columns j in [1, r] of pos(i) = ⌊i/2⌋ (1-based).
  linalg::Matrix<Rational> block(length - r, r, Rational(0));
  std::vector<bool> source(r + 1, false);
  for (std::size_t i = r + 1; i <= length; ++i) {
    const std::size_t j = i / 2;
    if (j >= 1 && j <= r) {
      block(i - r - 1, j - 1) = 1;
      source[j] = true;
    }
  }
  const long rank = linalg::rank(block);
  long distinct = 0;
  for (bool b : source) distinct += b ? 1 : 0;
  const bool ok = rank == distinct && rank <= static_cast<long>(std::min(r, length - r));
  CheckResult res{"rank of the dp(floor(i/2)) block", "T=" + std::to_string(length) + ", rows " + std::to_string(r + 1) + ".." +
                                                          std::to_string(length) + ", columns 1.." + std::to_string(r),
                  "exact", "exact (FLINT)", ok ? Verdict::verified : Verdict::fails, "", {}};
  res.detail = "rank " + std::to_string(rank) + " = distinct sources " + std::to_string(distinct) + " (about T/4 = " +
               std::to_string(length / 4) + "): a position-only layer needs state n >= " + std::to_string(rank);
  res.data = {{"T", length}, {"r", r}, {"rank", rank}, {"distinct_sources", distinct}};
  res.magnitude = static_cast<double>(rank);
  return res;
}

double least_squares_slope(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    sx += x[k];
    sy += y[k];
    sxx += x[k] * x[k];
    sxy += x[k] * y[k];
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

CheckResult cost_series(const Problem& problem, ModelKind kind, const std::vector<std::size_t>& lengths, double expected_slope,
                        std::uint64_t seed) {
  const arith::DyadicArith ar;  // not used for values: counting only
  std::vector<double> log_t, log_total, log_state, log_step;
  nlohmann::json points = nlohmann::json::array();
  std::string description;
  for (std::size_t length : lengths) {
    const Model model = make_model(kind, problem, length);
    description = model.id();
    const auto input = problem.random_input(length, input_seed(seed, length, 0));
    const CotOutcome out = generate_cot(ar, problem, model, input, models::RoundingSemantics{}, CotOptions{false, true});
    const CotCounters& c = out.counters;
    log_t.push_back(std::log2(static_cast<double>(length)));
    log_total.push_back(std::log2(static_cast<double>(c.mul_adds_total)));
    log_state.push_back(std::log2(static_cast<double>(c.state_numbers)));
    log_step.push_back(std::log2(static_cast<double>(c.mul_adds_last_step)));
    points.push_back({{"T", length}, {"state_numbers", c.state_numbers}, {"mul_adds_last_step", c.mul_adds_last_step},
                      {"mul_adds_total", c.mul_adds_total}, {"relu_units", c.relu_units}});
  }
  const double slope = least_squares_slope(log_t, log_total);
  const double state_slope = least_squares_slope(log_t, log_state);
  const double step_slope = least_squares_slope(log_t, log_step);
  const bool ok = std::abs(slope - expected_slope) <= 0.25;
  std::ostringstream detail;
  detail.setf(std::ios::fixed);
  detail.precision(2);
  const auto& last = points.back();
  detail << "log-log slope of total cost " << slope << " (THEORY: about " << expected_slope << "), of state " << state_slope
         << ", of per-step cost " << step_slope << "; at T=" << lengths.back() << ": state " << last["state_numbers"].get<std::uint64_t>()
         << ", " << last["mul_adds_last_step"].get<std::uint64_t>() << " multiply-adds per step, "
         << last["mul_adds_total"].get<std::uint64_t>() << " in total";
  CheckResult r{"cost against T", problem.name() + ", " + description, "any (counted)", "counts do not depend on the arithmetic",
                ok ? Verdict::measured : Verdict::fails, detail.str(), {}};
  r.data = {{"problem", problem.id()}, {"model", description}, {"slope_total", slope}, {"slope_state", state_slope},
            {"slope_step", step_slope}, {"expected_slope", expected_slope}, {"points", points}};
  r.magnitude = slope;
  return r;
}

CheckResult largest_correct_length(const Problem& problem, ModelKind kind, std::size_t cap, std::uint64_t seed,
                                   const arith::Precision& precision, const models::RoundingSemantics& sem) {
  CheckResult r{"largest T with a correct CoT", problem.name() + ", " + to_string(kind), precision.name, sem.to_string(),
                Verdict::verified, "", {}};
  r.data = {{"problem", problem.id()}, {"model", to_string(kind)}, {"cap", cap}, {"precision_name", precision.name}};
  const bool softmax = kind == ModelKind::transformer || kind == ModelKind::transformer_window;
  if (softmax && std::holds_alternative<arith::ExactSpec>(precision.spec)) {
    r.verdict = Verdict::not_applicable;
    r.detail = "softmax needs exp, which is not rational";
    r.data["largest"] = nullptr;
    return r;
  }
  std::optional<std::size_t> largest;
  for (std::size_t length = 1; length <= cap; length *= 2) {
    const Model model = make_model(kind, problem, length);
    const auto input = problem.random_input(length, input_seed(seed, length, 0));
    std::string name;
    const CotOutcome out = run_one(problem, model, input, precision, sem, true, &name);
    r.precision = name;
    if (!out.correct()) {
      r.detail = (largest ? std::to_string(*largest) : std::string("none")) + "; fails at T=" + std::to_string(length) + ": " +
                 describe_failure(out);
      r.data["largest"] = largest ? nlohmann::json(*largest) : nlohmann::json(nullptr);
      r.data["first_failing_T"] = length;
      r.data["first_wrong"] = *out.first_wrong;
      r.data["reached_cap"] = false;
      r.verdict = is_exact_or_certified(precision) ? Verdict::verified : Verdict::holds_numerically;
      return r;
    }
    largest = length;
  }
  r.detail = "no failure up to " + std::to_string(cap);
  r.data["largest"] = *largest;
  r.data["reached_cap"] = true;
  r.verdict = is_exact_or_certified(precision) ? Verdict::verified : Verdict::holds_numerically;
  return r;
}

}  // namespace freelunch::dp
