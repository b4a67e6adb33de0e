#include "dp/checks.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "arith/errors.hpp"
#include "core/deviation.hpp"
#include "core/least_squares.hpp"
#include "dp/generate.hpp"
#include "linalg/rank.hpp"

namespace freelunch::dp {
namespace {

// The dp(⌊i/2⌋) head of halfindex-mod: dependency number 1 of Problem::dependencies.
constexpr std::size_t kHalfIndexHead = 1;

std::string join_tokens(const std::optional<long>& token) { return token ? std::to_string(*token) : std::string("no token"); }

// The outcome of one input in the arithmetic the precision names.
CotOutcome run_one(const Problem& problem, const Model& model, const std::vector<long>& input, const arith::Precision& precision,
                   const models::RoundingSemantics& sem, bool stop_at_first_wrong, std::string* arithmetic_name) {
  return arith::with_arithmetic(precision, [&](const auto& ar) {
    if (arithmetic_name) *arithmetic_name = ar.name();
    return generate_cot(ar, problem, model, input, sem, CotOptions{stop_at_first_wrong, false, {}});
  });
}

bool is_exact_or_certified(const arith::Precision& p) {
  return std::holds_alternative<arith::ExactSpec>(p.spec) || std::holds_alternative<arith::IntervalSpec>(p.spec);
}

// The outcome as a tri-state "the CoT is right": undecided stays unknown (THEORY §4).
arith::Tribool cot_right(const CotOutcome& out) {
  switch (out.state) {
    case CotOutcome::State::correct: return arith::Tribool(true);
    case CotOutcome::State::wrong: return arith::Tribool(false);
    case CotOutcome::State::undecided: return arith::Tribool::unknown();
  }
  return arith::Tribool::unknown();
}

std::string describe_failure(const CotOutcome& out) {
  const std::size_t i = *out.first_wrong;
  if (out.state == CotOutcome::State::undecided)
    return "dp(" + std::to_string(i) + ") undecided (enclosure not inside one rounding interval), expected " + std::to_string(out.expected[i - 1]);
  return "dp(" + std::to_string(i) + ") = " + join_tokens(out.first_wrong_token) + ", expected " + std::to_string(out.expected[i - 1]);
}

bool is_power_of_two(std::size_t x) { return x != 0 && (x & (x - 1)) == 0; }

long log2_exact(std::size_t x) {
  long k = 0;
  while ((std::size_t{1} << k) < x) ++k;
  return k;
}

}  // namespace

std::vector<std::size_t> cost_lengths() {
  std::vector<std::size_t> t;
  for (std::size_t k = 6; k <= 16; ++k) t.push_back(std::size_t{1} << k);
  return t;
}

std::vector<std::size_t> powers_of_two_up_to(std::size_t cap) {
  std::vector<std::size_t> t;
  for (std::size_t length = 1; length <= cap; length *= 2) t.push_back(length);
  return t;
}

std::string length_set(const std::vector<std::size_t>& lengths) {
  bool doubling = lengths.size() >= 4;
  for (std::size_t k = 0; k < lengths.size() && doubling; ++k)
    doubling = is_power_of_two(lengths[k]) && (k == 0 || lengths[k] == 2 * lengths[k - 1]);
  if (doubling)
    return "{2^k : k = " + std::to_string(log2_exact(lengths.front())) + ".." + std::to_string(log2_exact(lengths.back())) + "}";
  std::string s = "{";
  for (std::size_t k = 0; k < lengths.size(); ++k) {
    if (k > 0) s += ", ";
    s += std::to_string(lengths[k]);
  }
  return s + "}";
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
  return check_cot(problem, make_model(kind, problem, length), length, inputs, seed, precision, sem);
}

CheckResult check_cot(const Problem& problem, const Model& model, std::size_t length, std::size_t inputs, std::uint64_t seed,
                      const arith::Precision& precision, const models::RoundingSemantics& sem) {
  CheckResult r{kCotCheck, problem.name() + ", " + model.describe() + ", T=" + std::to_string(length), precision.name, sem.to_string(),
                Verdict::not_applicable, "", {}};
  r.data = {{"problem", problem.id()}, {"model", model.id()}, {"T", length}, {"inputs", inputs}};
  if (problem.has_modulus()) r.data["p"] = problem.modulus();
  Rational worst_readout = 0;
  std::string undecided;  // the first input whose enclosure straddled, if any
  for (std::size_t k = 0; k < inputs; ++k) {
    const auto input = problem.random_input(length, input_seed(seed, length, k));
    std::string name;
    const CotOutcome out = run_one(problem, model, input, precision, sem, true, &name);
    r.precision = name;
    if (out.max_readout_error > worst_readout) worst_readout = out.max_readout_error;
    const arith::Tribool right = cot_right(out);
    if (right.is_false()) {
      // A wrong token decides the check, whatever other inputs leave undecided.
      r.verdict = verdict_of(right, is_exact_or_certified(precision));
      r.detail = "input " + std::to_string(k + 1) + " of " + std::to_string(inputs) + ": first wrong token " + describe_failure(out);
      r.data["first_failing_input"] = k + 1;
      r.data["first_wrong"] = *out.first_wrong;
      return r;
    }
    if (right.is_unknown() && undecided.empty()) {
      undecided = "input " + std::to_string(k + 1) + ": " + describe_failure(out);
      r.data["first_undecided_input"] = k + 1;
      r.data["first_undecided"] = *out.first_wrong;
    }
  }
  const arith::Tribool right = undecided.empty() ? arith::Tribool(true) : arith::Tribool::unknown();
  r.verdict = verdict_of(right, is_exact_or_certified(precision));
  std::ostringstream detail;
  if (right.is_true()) detail << inputs << " inputs, every token right; largest read-out error " << short_decimal(worst_readout);
  else detail << "no wrong token, but " << undecided;
  r.detail = detail.str();
  r.data["max_readout_error"] = freelunch::to_string(worst_readout);
  return r;
}

// Derivation of the bound (stream coordinates, stream.hpp): position 0 holds the start token,
// s_i is at i and dp(i) at T + i; step i is generated at position t_i = T + i - 1 and its
// dp(⌊i/2⌋) head reads column c_i = T + ⌊i/2⌋ (c_1 = 0, the start token). The copy matrix C of
// this head has C[t_i, c_i] = 1 and zeros elsewhere. Its block at split s (rows t > s, columns
// t <= s; L1: rank <= n for every s) at s = T + r, 1 <= r <= T:
//   rows:    t_i > T + r  <=>  i >= r + 2;
//   columns: c_i <= T + r <=>  ⌊i/2⌋ <= r  <=>  i <= 2r + 1;
// so the block's nonzero columns are T + j for j = ⌊i/2⌋, r + 2 <= i <= min(T, 2r + 1), that is
// ⌊r/2⌋ + 1 <= j <= min(⌊T/2⌋, r) when r + 2 <= T (none otherwise). A 0/1 matrix with at most one 1 per row has rank equal to the
// number of its nonzero columns (a row basis: one row per column), so
//   rank(s = T + r) = min(⌊T/2⌋, r) - ⌊r/2⌋,
// which is ⌈r/2⌉ (increasing) for r <= ⌊T/2⌋ and ⌊T/2⌋ - ⌊r/2⌋ (non-increasing) beyond. The
// largest is at r = ⌊T/2⌋ (where r + 2 <= T for T >= 3): ⌈⌊T/2⌋/2⌉. For T <= 2 no row lies below a
// split inside the dp block (step 2 reads dp(1) at distance 0) and the bound is 0. (Splits s < T
// cut the input block, which this head never reads: only the start token, rank <= 1.) The check
// below does not use this count: it computes the rank with FLINT from the schedule the model
// reads.
long halfindex_rank_claim(std::size_t length) {
  if (length < 3) return 0;
  const long half = static_cast<long>(length / 2);
  return (half + 1) / 2;
}

CheckResult halfindex_rank_bound(std::size_t length, long claimed_bound) {
  if (length < 2) throw UsageError("the rank bound needs T >= 2 (got " + std::to_string(length) + ")");
  const Problem problem(ProblemKind::halfindex_mod, 7);
  const Stream stream = Stream::for_problem(problem, length);
  const std::size_t split = stream.value_position(length / 2);  // the position of dp(⌊T/2⌋)

  // The block's entries, from what the model reads: (row position, column position).
  std::vector<std::pair<std::size_t, std::size_t>> ones;
  std::set<std::size_t> columns;
  for (std::size_t i = 1; i <= length; ++i) {
    const std::size_t t = stream.generating_position(i), c = stream.position(problem.dependencies(i)[kHalfIndexHead]);
    if (t > split && c <= split) {
      ones.push_back({t, c});
      columns.insert(c);
    }
  }
  // Rows split+1..2T, and only the columns that hold a 1: dropping zero columns keeps the rank
  // and keeps the matrix small (the block has 1.5T + 1 columns, most of them zero).
  const std::size_t rows = stream.length() - 1 - split;
  const std::vector<std::size_t> kept(columns.begin(), columns.end());
  linalg::Matrix<Rational> block(rows, kept.size(), Rational(0));
  for (const auto& [t, c] : ones) block(t - split - 1, static_cast<std::size_t>(std::lower_bound(kept.begin(), kept.end(), c) - kept.begin())) = 1;
  const long rank = linalg::rank(block);

  const bool holds = rank >= claimed_bound;
  CheckResult res{kRankCheck, "T=" + std::to_string(length) + ", split after position " + std::to_string(split) + " (dp(" +
                                  std::to_string(length / 2) + "))",
                  "exact", "exact (FLINT)", verdict_of(arith::Tribool(holds), true), "", {}};
  res.detail = "exact rank " + std::to_string(rank) + " of the dp(floor(i/2)) copy block (" + std::to_string(rows) + " rows, " +
               std::to_string(split + 1) + " columns, " + std::to_string(kept.size()) + " nonzero) " +
               (holds ? ">= " : "< ") + "claimed bound " + std::to_string(claimed_bound) +
               (holds ? ": a position-only layer needs state n >= " + std::to_string(claimed_bound)
                      : ": the claim n >= " + std::to_string(claimed_bound) + " does not follow");
  res.data = {{"T", length}, {"split", split}, {"rank", rank}, {"claimed_bound", claimed_bound}, {"nonzero_columns", kept.size()}};
  res.magnitude = static_cast<double>(rank);
  return res;
}

std::size_t halfindex_slots_needed(std::size_t length) {
  const Problem problem(ProblemKind::halfindex_mod, 7);
  return detail::reuse_slots(problem, Stream::for_problem(problem, length), kHalfIndexHead, 0).needed;
}

CheckResult small_state_witness(std::size_t length, std::size_t state, std::size_t inputs, std::uint64_t seed) {
  const Problem problem(ProblemKind::halfindex_mod, 7);
  Model model = make_model(ModelKind::mamba_general, problem, length);
  model.slot_limit = SlotLimit{kHalfIndexHead, state};
  const detail::SlotPlan plan = detail::reuse_slots(problem, Stream::for_problem(problem, length), kHalfIndexHead, state);
  const arith::Precision exact = arith::parse_precision("exact");
  const models::RoundingSemantics sem;
  CheckResult r{kWitnessCheck, problem.name() + ", " + model.describe() + ", T=" + std::to_string(length), exact.name, sem.to_string(),
                Verdict::not_applicable, "", {}};
  r.data = {{"T", length}, {"state", state}, {"slots_needed", plan.needed}, {"dropped_sources", plan.dropped}, {"inputs", inputs}};
  const std::string layer = "state n = " + std::to_string(state) + " (the slot layer copies with " + std::to_string(plan.needed) +
                            "; " + std::to_string(plan.dropped) + " sources dropped)";
  for (std::size_t k = 0; k < inputs; ++k) {
    const auto input = problem.random_input(length, input_seed(seed, length, k));
    std::string name;
    const CotOutcome out = run_one(problem, model, input, exact, sem, true, &name);
    r.precision = name;
    const arith::Tribool right = cot_right(out);
    if (!right.is_true()) {
      // Exact arithmetic decides every token: a wrong token is a witness.
      r.verdict = verdict_of(!right, true);
      r.detail = "witness: input " + std::to_string(k + 1) + ", first wrong token " + describe_failure(out) + "; " + layer;
      r.data["witness_input"] = k + 1;
      r.data["witness_seed"] = input_seed(seed, length, k);
      r.data["first_wrong"] = *out.first_wrong;
      return r;
    }
  }
  r.verdict = Verdict::fails;
  r.detail = "no witness: all " + std::to_string(inputs) + " inputs right with " + layer;
  return r;
}

std::size_t executed_cost_cap(ModelKind kind) {
  // Where one executed run costs about what one input of the CoT checks at the largest T costs:
  // quadratic models and MPFR softmax grow like T^2, and the exact local state grows by about e
  // bits per step (a = 2^-e: nothing underflows in exact), so its run is quadratic too.
  switch (kind) {
    case ModelKind::mamba_general: return 1024;
    case ModelKind::transformer: return 256;
    case ModelKind::mamba_local: return 4096;
    case ModelKind::transformer_window: return 4096;
  }
  return 0;
}

namespace {

std::string counter_mismatch(const CotCounters& counted, const CotCounters& executed) {
  auto one = [](const char* name, std::uint64_t c, std::uint64_t e) {
    return c == e ? std::string() : std::string(name) + " " + std::to_string(c) + " counted, " + std::to_string(e) + " executed";
  };
  for (const std::string& s : {one("total multiply-adds", counted.mul_adds_total, executed.mul_adds_total),
                               one("last step", counted.mul_adds_last_step, executed.mul_adds_last_step),
                               one("largest step", counted.mul_adds_max_step, executed.mul_adds_max_step),
                               one("state", counted.state_numbers, executed.state_numbers),
                               one("ReLU units", counted.relu_units, executed.relu_units)})
    if (!s.empty()) return s;
  return "";
}

}  // namespace

CheckResult cost_series(const Problem& problem, ModelKind kind, const std::vector<std::size_t>& lengths, double expected_slope,
                        std::uint64_t seed, std::size_t executed_up_to) {
  std::vector<double> log_t, log_total, log_state, log_step;
  std::vector<std::size_t> executed_lengths, structure_lengths;
  nlohmann::json points = nlohmann::json::array();
  std::string description, mismatch;
  for (std::size_t length : lengths) {
    const Model model = make_model(kind, problem, length);
    description = model.id();
    const auto input = problem.random_input(length, input_seed(seed, length, 0));
    // Counting only: the heads and the network add the sizes of the loops they would run.
    const CotOutcome counted =
        generate_cot(arith::DyadicArith{}, problem, model, input, models::RoundingSemantics{}, CotOptions{false, true, {}});
    const CotCounters& c = counted.counters;
    std::string source = "by structure";
    if (length <= executed_up_to) {
      // With values: what the evaluator executes (exact for Mamba, MPFR for softmax).
      const arith::Precision precision = model.is_mamba() ? arith::parse_precision("exact")
                                                          : arith::parse_precision("mpfr" + std::to_string(softmax_precision_bits(length)));
      const CotOutcome executed = run_one(problem, model, input, precision, {}, false, nullptr);
      std::string why = !executed.complete ? "the executed run stopped at dp(" + std::to_string(executed.cot.size()) + ")"
                                           : counter_mismatch(c, executed.counters);
      if (!why.empty() && mismatch.empty()) mismatch = "T=" + std::to_string(length) + ": " + why;
      source = "executed";
      executed_lengths.push_back(length);
    } else {
      structure_lengths.push_back(length);
    }
    log_t.push_back(std::log2(static_cast<double>(length)));
    log_total.push_back(std::log2(static_cast<double>(c.mul_adds_total)));
    log_state.push_back(std::log2(static_cast<double>(c.state_numbers)));
    log_step.push_back(std::log2(static_cast<double>(c.mul_adds_last_step)));
    points.push_back({{"T", length}, {"state_numbers", c.state_numbers}, {"mul_adds_last_step", c.mul_adds_last_step},
                      {"mul_adds_total", c.mul_adds_total}, {"relu_units", c.relu_units}, {"counted", source}});
  }
  // The project's one least-squares fit (exact on the doubles given); no fit is not a number.
  auto slope_of = [&](const std::vector<double>& y) {
    const auto b = least_squares_slope(log_t, y);
    return b ? b->convert_to<double>() : std::nan("");
  };
  const double slope = slope_of(log_total);
  const double state_slope = slope_of(log_state);
  const double step_slope = slope_of(log_step);
  const bool slope_ok = std::abs(slope - expected_slope) <= 0.25;
  std::ostringstream detail;
  detail.setf(std::ios::fixed);
  detail.precision(2);
  const auto& last = points.back();
  if (!mismatch.empty()) detail << "count-only mode disagrees with the executed run at " << mismatch << "; ";
  detail << "log-log slope of total cost " << slope << " (claimed: about " << expected_slope << (slope_ok ? "" : ", off by more than 0.25")
         << "), of state " << state_slope << ", of per-step cost " << step_slope << "; at T=" << lengths.back() << ": state "
         << last["state_numbers"].get<std::uint64_t>() << ", " << last["mul_adds_last_step"].get<std::uint64_t>()
         << " multiply-adds per step, " << last["mul_adds_total"].get<std::uint64_t>() << " in total; ";
  if (!executed_lengths.empty()) detail << "executed for T in " << length_set(executed_lengths) << (structure_lengths.empty() ? "" : ", ");
  if (!structure_lengths.empty()) detail << "counted by structure for T in " << length_set(structure_lengths);
  CheckResult r{kCostCheck, problem.name() + ", " + description, "any (counted)", "counts do not depend on the arithmetic",
                slope_ok && mismatch.empty() ? Verdict::measured : Verdict::fails, detail.str(), {}};
  r.data = {{"problem", problem.id()}, {"model", description}, {"slope_total", slope}, {"slope_state", state_slope},
            {"slope_step", step_slope}, {"expected_slope", expected_slope}, {"points", points},
            {"executed_T", executed_lengths}, {"counted_by_structure_T", structure_lengths}};
  if (!mismatch.empty()) r.data["count_mismatch"] = mismatch;
  r.magnitude = slope;
  return r;
}

std::optional<std::size_t> predicted_correct_up_to(const Problem& problem, ModelKind kind, const arith::Precision& precision,
                                                   std::size_t cap) {
  const bool mamba = kind == ModelKind::mamba_general || kind == ModelKind::mamba_local;
  if (mamba && std::holds_alternative<arith::ExactSpec>(precision.spec)) return cap;
  if (kind != ModelKind::mamba_local || !problem.has_modulus()) return std::nullopt;
  const arith::FpFormat fp16 = std::get<arith::FloatSpec>(arith::parse_precision("fp16").spec).format;
  if (const auto* f = std::get_if<arith::FloatSpec>(&precision.spec)) {
    const arith::FpFormat& g = f->format;
    if (g.precision() >= fp16.precision() && g.emax() >= fp16.emax() && g.emin_subnormal() <= fp16.emin_subnormal()) return cap;
  }
  if (const auto* m = std::get_if<arith::MpfrSpec>(&precision.spec); m && m->precision >= fp16.precision()) return cap;
  return std::nullopt;
}

CheckResult largest_correct_length(const Problem& problem, ModelKind kind, std::size_t cap, std::uint64_t seed,
                                   const arith::Precision& precision, const models::RoundingSemantics& sem,
                                   std::optional<std::size_t> predicted_at_least) {
  CheckResult r{kLargestCheck, problem.name() + ", " + to_string(kind), precision.name, sem.to_string(), Verdict::measured, "", {}};
  r.data = {{"problem", problem.id()}, {"model", to_string(kind)}, {"cap", cap}, {"precision_name", precision.name},
            {"searched", "T in " + length_set(powers_of_two_up_to(cap)) + " upward to the first T not right"}};
  if (predicted_at_least) r.data["predicted_at_least"] = *predicted_at_least;
  const bool softmax = kind == ModelKind::transformer || kind == ModelKind::transformer_window;
  if (softmax && std::holds_alternative<arith::ExactSpec>(precision.spec)) {
    r.verdict = Verdict::not_applicable;
    r.detail = "softmax needs exp, which is not rational";
    r.data["largest"] = nullptr;
    return r;
  }
  std::optional<std::size_t> largest;
  arith::Tribool stop = arith::Tribool(true);  // true: reached the cap; false: a wrong token; unknown: undecided
  for (std::size_t length : powers_of_two_up_to(cap)) {
    const Model model = make_model(kind, problem, length);
    const auto input = problem.random_input(length, input_seed(seed, length, 0));
    std::string name;
    const CotOutcome out = run_one(problem, model, input, precision, sem, true, &name);
    r.precision = name;
    if (!out.correct()) {
      stop = cot_right(out);
      r.detail = (largest ? std::to_string(*largest) : std::string("none")) + (stop.is_unknown() ? " or more" : "") +
                 "; at T=" + std::to_string(length) + ": " + describe_failure(out);
      r.data["first_failing_T"] = length;
      r.data["first_wrong"] = *out.first_wrong;
      r.data["undecided"] = stop.is_unknown();
      break;
    }
    largest = length;
  }
  r.data["largest"] = largest ? nlohmann::json(*largest) : nlohmann::json(nullptr);
  r.data["reached_cap"] = stop.is_true();
  if (stop.is_true()) r.detail = "every T in " + length_set(powers_of_two_up_to(cap)) + " right";
  r.magnitude = largest ? static_cast<double>(*largest) : 0.0;

  if (!predicted_at_least) {
    // A measurement; an undecided stop leaves the largest T a lower bound, said as undecided.
    r.verdict = stop.is_unknown() ? Verdict::undecided : Verdict::measured;
    return r;
  }
  const bool reached = largest && *largest >= *predicted_at_least;
  // Not reached: a wrong token below the prediction refutes it, an undecided one leaves it open,
  // and a prediction beyond the cap was not tried.
  const arith::Tribool holds = reached ? arith::Tribool(true) : stop.is_true() ? arith::Tribool::unknown() : stop;
  r.verdict = verdict_of(holds, is_exact_or_certified(precision));
  r.detail += "; predicted right for every T up to " + std::to_string(*predicted_at_least) +
              (holds.is_true() ? " (holds)" : holds.is_false() ? " (does not hold)" : " (undecided)");
  return r;
}

}  // namespace freelunch::dp
