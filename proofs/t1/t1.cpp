// T1 (THEORY §2; paper v2 Theorem 1, v1 Theorem 1).
//
// Claim. A constant-size Mamba layer has a COPY bottleneck, with three separate causes:
//   T1a magnitude (finite range): with decays a <= a_max < 1 and key/query entries bounded by
//       β_max, exact COPY over distance L needs n β_max^2 >= a_max^-L, so
//       L <= log(n β_max^2)/log(1/a_max); in `exact` there is no such limit, and as a -> 1 the
//       limit moves out (in a short format 1 - 2^-k even rounds to exactly 1);
//   T1b rank (intrinsic, every arithmetic): a position-only layer with n < L state entries has a
//       full-copy block of rank <= n, so its mean squared copy error over random ±1 inputs is at
//       least (L - n)/L; keeping n positions meets the bound;
//   T1c information (finite precision only): a state of n entries from a finite set F takes at
//       most |F|^n values, so exact COPY of all sequences over V needs L log|V| <= n log|F|; in
//       `exact` one entry with a = 1/|V|, b = 1 holds every token (integer digit extraction).
//
// Constructions. T1a: one copy at distance d (tasks::distance_schedule) by T3's slot layer with one
// state entry, decay a in {1/2, 9/10, 99/100, 1 - 2^-10}, compensation a^-d split evenly between
// key and query (the balanced split, which meets the bound: n β^2 = a^-d for even d). T1b: the
// constructions of tasks/rank_constructions.hpp. T1c: tasks/state_count.hpp.
//
// Checks (each decided by running the model; every check with a verdict has falsifiers below).
// T1a: in `exact`, exact COPY at every distance d <= cap, each decided by running the exact model
// (matrix or Freivalds, tasks/exact_copy_check.hpp): no magnitude limit (verified; fails at the
// first d that does not copy). In each other arithmetic the largest distance L* that copies
// (decoded, both signs), with the cause of the first failure (range: non-finite or saturated;
// rounding: a finite error), beside the bound from the format's largest finite value and the
// decay AS STORED (certified floor; a measurement, since decoded COPY is no exact COPY); the a -> 1
// escape (L* for a = 1 - 2^-k, and the k from which the stored decay is 1).
// T1b: exact block ranks <= the claimed n, exact mean squared errors >= (L - n)/L with equality
// for the constructions claimed tight; per arithmetic the error of the same constructions on fixed
// random ±1 inputs (measured); per arithmetic, past n: at L = n + 1 every constant-size
// construction's copy block has a row that is not strictly diagonally dominant, whose sign
// pattern is an input on which the layer, run in that arithmetic, fails decoded COPY (the
// witness, tasks/copy_witness.hpp); and the largest L <= n the n-slot layer copies (measured).
// T1c: exhaustive counts of distinct final states per arithmetic, the largest injective L beside
// n log|F|/log|V| (measured: the bound is a pigeonhole fact, no check); in `exact` the final state
// of the one-entry scan (run by the model) decodes every token by integer digit extraction.
#include <cmath>
#include <string>
#include <vector>

#include "arith/exact.hpp"
#include "core/deviation.hpp"
#include "core/instances.hpp"
#include "core/proof.hpp"
#include "output/theorem_module.hpp"
#include "t1_report.hpp"
#include "core/random.hpp"
#include "linalg/rank.hpp"
#include "models/selective_scan.hpp"
#include "tasks/copy_witness.hpp"
#include "tasks/decay_escape.hpp"
#include "tasks/exact_copy_check.hpp"
#include "tasks/magnitude_bound.hpp"
#include "tasks/rank_constructions.hpp"
#include "tasks/slot_copy_search.hpp"
#include "tasks/state_count.hpp"

namespace freelunch::proofs::t1 {
namespace {

using nlohmann::json;
using tasks::Compensation;

struct T1Grid {
  std::size_t distance_cap_exact, distance_cap, confirm;
  std::vector<std::size_t> rank_lengths;
  std::size_t injective_cap_binary, injective_cap_quaternary;
  std::vector<long> escape_k;
};

T1Grid grid_for(const ProofOptions& opt) {
  if (opt.grid == freelunch::Grid::full) return {4096, 65536, 16384, {16, 64, 256}, 20, 10, {2, 4, 6, 8, 10, 12, 16}};
  return {1024, 4096, 4096, {16, 64}, 16, 8, {2, 4, 8, 12}};
}

const std::vector<Rational>& t1a_decays() {
  static const std::vector<Rational> d = {Rational(1, 2), Rational(9, 10), Rational(99, 100), tasks::decay_near_one(10)};
  return d;
}

std::string decay_name(const Rational& a) {
  if (a == tasks::decay_near_one(10)) return "1-2^-10";
  return a.str();
}

constexpr std::size_t kRowState = 8;  // the state size of the T1b row of the separation table

// ---- T1a -------------------------------------------------------------------------------------

CheckResult largest_distance(const std::string& check, const Rational& a, const std::string& instance, const arith::Precision& prec,
                             const T1Grid& g, const models::RoundingSemantics& sem) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    const auto s = tasks::largest_copying(ar, tasks::distance_schedule, a, Compensation::balanced, tasks::plus_minus_one(), g.distance_cap,
                                          g.confirm, sem);
    std::string detail = s.search.describe() + "; every d <= " + std::to_string(s.search.confirmed_up_to) + " evaluated";
    if (s.failure) detail += "; fails at d = " + std::to_string(s.search.largest ? *s.search.largest + 1 : 1) + ": " + s.failure_cause();
    json data = {{"decay", a.str()}, {"largest", s.search.largest ? json(*s.search.largest) : json(nullptr)},
                 {"reached_cap", s.search.reached_cap}, {"cap", g.distance_cap}, {"confirmed_up_to", s.search.confirmed_up_to},
                 {"cause", s.failure_cause()}};
    if (const auto bound = tasks::magnitude_bound(prec, 1, a, sem)) {
      data.update(bound->to_json());
      detail += "; bound " + bound->describe();
    }
    return {check, instance, ar.name(), sem.to_string(), Verdict::measured, detail, data};
  });
}

// The one-entry distance-d layer of T1a as the scan evaluates it.
using DistanceLayer = std::function<models::ScanParams<Rational>(std::size_t distance)>;

DistanceLayer balanced_distance_layer(const Rational& a) {
  return [a](std::size_t d) { return tasks::SlotCopyLayer(tasks::distance_schedule(d), a, Compensation::balanced).dense(); };
}

// In `exact`: the layer copies exactly at every distance d <= cap, each d decided by running the
// exact model. Fails at the first d that does not copy.
CheckResult exact_distances(const std::string& instance, const Rational& a, const DistanceLayer& layer_of, std::size_t cap,
                            const models::RoundingSemantics& sem) {
  json data = {{"decay", a.str()}, {"cap", cap}, {"reached_cap", true}, {"largest", cap}, {"cause", ""}};
  for (std::size_t d = 1; d <= cap; ++d) {
    const auto j = tasks::judge_exact_copy(layer_of(d), tasks::distance_schedule(d), tasks::kExactMatrixUpTo, 1, d, sem);
    if (!j.holds) {
      data["reached_cap"] = false;
      data["largest"] = d - 1;
      return {t1::kDistance, instance, "exact", sem.to_string(), Verdict::fails,
              "exact COPY fails at d = " + std::to_string(d) + ": " + j.describe(tasks::distance_schedule(d)), data};
    }
  }
  return {t1::kDistance, instance, "exact", sem.to_string(), Verdict::verified,
          "no magnitude limit: exact COPY at every d in {1, ..., " + std::to_string(cap) +
              "}, each decided by running the exact model (matrix up to N = 128, then Freivalds, P(wrong) <= 2^-32 per d)",
          data};
}

CheckResult rounds_to_one(const arith::Precision& prec, const models::RoundingSemantics& sem) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    if constexpr (arith::PointArithmetic<A>) {
      const long k_max = 256;
      const auto k = tasks::decay_rounds_to_one_from(ar, sem, k_max);
      return {t1::kRoundsToOne, "k <= " + std::to_string(k_max), ar.name(), sem.to_string(), Verdict::measured,
              k ? "from k = " + std::to_string(*k) : "never for k <= " + std::to_string(k_max),
              {{"k", k ? json(*k) : json(nullptr)}, {"k_max", k_max}}};
    } else {
      return {t1::kRoundsToOne, "", ar.name(), sem.to_string(), Verdict::not_applicable, "intervals never round to a point", {}};
    }
  });
}

// ---- T1b -------------------------------------------------------------------------------------

std::vector<std::size_t> state_sizes(std::size_t length) {
  std::vector<std::size_t> n = {1, length / 4, length / 2, length - 1};
  n.erase(std::unique(n.begin(), n.end()), n.end());
  return n;
}

std::string rank_instance(const tasks::ConstantSizeConstruction& c, std::size_t length, std::size_t state) {
  return c.name + " L=" + std::to_string(length) + " n=" + std::to_string(state);
}

// rank(block) <= the claimed n, and the exact mean squared error >= (L - n)/L, with equality
// when the construction is claimed tight. `params` is the layer the scan evaluates.
CheckResult exact_rank(const std::string& instance, const models::ScanParams<Rational>& params, std::size_t length, std::size_t claimed_state,
                       bool claimed_tight, const models::RoundingSemantics& sem) {
  const auto block = tasks::copy_block(params, length);
  const long rank = linalg::rank_flint(block);
  const Rational mse = tasks::block_mean_squared_error(block), bound = tasks::rank_error_bound(length, claimed_state);
  const bool rank_ok = rank <= static_cast<long>(claimed_state), error_ok = mse >= bound, tight_ok = !claimed_tight || mse == bound;
  std::string detail = "rank " + std::to_string(rank) + (rank_ok ? " <= n" : " > n = " + std::to_string(claimed_state)) +
                       "; mean squared error " + short_decimal(mse) + (mse == bound ? " = " : mse > bound ? " > " : " < ") +
                       "(L-n)/L = " + short_decimal(bound);
  if (claimed_tight && !tight_ok) detail += " (claimed tight)";
  return {t1::kRank, instance, "exact", sem.to_string(), rank_ok && error_ok && tight_ok ? Verdict::verified : Verdict::fails,
          detail, {{"L", length}, {"n", claimed_state}, {"rank", rank}, {"mse", mse.str()}, {"bound", bound.str()}, {"tight", claimed_tight}}};
}

CheckResult exact_rank(std::size_t length, std::size_t state, std::size_t index, std::uint64_t seed, const models::RoundingSemantics& sem) {
  const auto c = tasks::rank_constructions(length, state, seed).at(index);
  CheckResult r = exact_rank(rank_instance(c, length, state), c.params, length, state, c.tight, sem);
  r.data["construction"] = c.name;
  return r;
}

// The mean over outputs and inputs of (y_i - u_pos(i))^2 on fixed random ±1 inputs.
template <class A>
Rational sample_mse(const A& ar, const models::ScanParams<Rational>& params, std::size_t length, const std::vector<std::vector<int>>& inputs,
                    const models::RoundingSemantics& sem, bool& finite) {
  const auto p = models::to_arithmetic(ar, params, sem);
  Rational total = 0;
  for (const auto& signs : inputs) {
    std::vector<typename A::value_type> u;
    for (std::size_t t = 0; t < 2 * length; ++t) u.push_back(ar.from_int(t < length ? signs[t] : 0));
    const auto y = models::selective_scan(ar, p, std::span<const typename A::value_type>(u), sem);
    for (std::size_t r = 0; r < length; ++r) {
      if (!ar.is_finite(y[length + r])) {
        finite = false;
        return 0;
      }
      const Rational e = ar.to_rational(y[length + r]) - signs[r];
      total += e * e;
    }
  }
  return total / Rational(static_cast<long>(length * inputs.size()));
}

CheckResult rounded_rank_error(std::size_t length, std::size_t state, std::size_t index, const arith::Precision& prec, std::uint64_t seed,
                               const models::RoundingSemantics& sem) {
  const auto c = tasks::rank_constructions(length, state, seed).at(index);
  Rng rng(seed + 7919 * length + state);
  std::vector<std::vector<int>> inputs(8, std::vector<int>(length));
  for (auto& row : inputs)
    for (int& x : row) x = rng.coin() ? 1 : -1;
  bool exact_finite = true;
  const Rational exact = arith::run_exact([&](const auto& ex) { return sample_mse(ex, c.params, length, inputs, sem, exact_finite); });
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    json data = {{"L", length}, {"n", state}, {"construction", c.name}, {"samples", inputs.size()}, {"exact_mse", exact.str()},
                 {"bound", tasks::rank_error_bound(length, state).str()}};
    if constexpr (arith::PointArithmetic<A>) {
      bool finite = true;
      const Rational mse = sample_mse(ar, c.params, length, inputs, sem, finite);
      data["mse"] = finite ? json(mse.str()) : json(nullptr);
      CheckResult r{t1::kRoundedError, rank_instance(c, length, state), ar.name(), sem.to_string(), Verdict::measured,
                    (finite ? short_decimal(mse) : std::string("non-finite output")) + " (exact arithmetic on the same inputs: " + short_decimal(exact) + ")",
                    data};
      r.magnitude = finite ? std::abs(mse.convert_to<double>() - exact.convert_to<double>()) : 1e300;
      return r;
    } else {
      return {t1::kRoundedError, rank_instance(c, length, state), ar.name(), sem.to_string(), Verdict::not_applicable,
              "reported for point arithmetics", data};
    }
  });
}

// The largest full-copy length L <= n that the n-slot layer (T3's slots, a = 1/2, balanced)
// copies: the tightness side of the T1b row (a measurement).
CheckResult rank_row(std::size_t state, const arith::Precision& prec, const T1Grid& g, const models::RoundingSemantics& sem) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    const auto s = tasks::largest_copying(ar, tasks::full_copy_schedule, Rational(1, 2), Compensation::balanced, tasks::plus_minus_one(), state,
                                          g.confirm, sem);
    const std::size_t largest = s.search.largest.value_or(0);
    return {t1::kRowLength, "n=" + std::to_string(state), ar.name(), sem.to_string(), Verdict::measured,
            std::to_string(largest) + " of the L <= n = " + std::to_string(state) + " tried" +
                (s.failure ? " (fails at L = " + std::to_string(largest + 1) + ": " + s.failure_cause() + ")" : ""),
            {{"largest", largest}, {"n", state}, {"cause", s.failure_cause()}, {"reached_cap", false}}};
  });
}

// Past n: for each layer (name, params) of state n < L, the witness of tasks/copy_witness.hpp
// from its exact copy block, then the layer run in `prec` on that input: decoded COPY must fail
// at the witness row (error >= 1/2 or a non-finite output). Fails when some layer has no witness
// (every row strictly diagonally dominant: a full-rank block) or copies the witness correctly.
CheckResult witness_past_n(const std::string& instance, const std::vector<std::pair<std::string, models::ScanParams<Rational>>>& layers,
                           std::size_t length, const arith::Precision& prec, const models::RoundingSemantics& sem) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    using V = typename A::value_type;
    json witnesses = json::array();
    for (const auto& [name, params] : layers) {
      const auto w = tasks::dominance_witness(tasks::copy_block(params, length));
      if (!w)
        return {t1::kPastN, instance, ar.name(), sem.to_string(), Verdict::fails,
                name + ": no witness, every row of its copy block is strictly diagonally dominant (full rank)", {{"L", length}}};
      std::vector<V> u;
      for (std::size_t t = 0; t < 2 * length; ++t) u.push_back(ar.from_int(t < length ? w->signs[t] : 0));
      const auto p = models::to_arithmetic(ar, params, sem);
      const std::vector<V> y = models::selective_scan(ar, p, std::span<const V>(u), sem);
      const V& out = y[length + w->row];
      arith::Tribool wrong = arith::Tribool(true);
      std::string value = "non-finite";
      if constexpr (arith::PointArithmetic<A>) {
        if (ar.is_finite(out)) {
          const Rational e = ar.to_rational(out) - w->signs[w->row];
          wrong = arith::Tribool((e < 0 ? Rational(-e) : e) >= Rational(1, 2));
          value = short_decimal(ar.to_rational(out));
        }
      } else {
        if (ar.is_finite(out)) {
          const Rational lo = ar.lower(out) - w->signs[w->row], hi = ar.upper(out) - w->signs[w->row];
          // Certainly wrong when the whole enclosure is at distance >= 1/2 from the expected value.
          wrong = hi <= Rational(-1, 2) || lo >= Rational(1, 2) ? arith::Tribool(true)
                  : (lo > Rational(-1, 2) && hi < Rational(1, 2)) ? arith::Tribool(false) : arith::Tribool::unknown();
          value = "[" + short_decimal(ar.lower(out)) + ", " + short_decimal(ar.upper(out)) + "]";
        }
      }
      if (!wrong.is_true())
        return {t1::kPastN, instance, ar.name(), sem.to_string(), wrong.is_false() ? Verdict::fails : Verdict::undecided,
                name + ": the witness input is copied at output " + std::to_string(w->row + 1) + " (y = " + value + ")", {{"L", length}}};
      witnesses.push_back({{"construction", name}, {"row", w->row}, {"exact_output", w->exact_output.str()}, {"output", value}});
    }
    return {t1::kPastN, instance, ar.name(), sem.to_string(), passing_verdict(A::is_exact || A::is_certified),
            "L = " + std::to_string(length) + ": a +-1 input on which each of the " + std::to_string(layers.size()) +
                " constructions fails decoded COPY, found from a row that is not diagonally dominant and run in this arithmetic",
            {{"L", length}, {"witnesses", witnesses}}};
  });
}

// The constant-size constructions at L = n + 1 (tasks/rank_constructions.hpp), as named layers.
std::vector<std::pair<std::string, models::ScanParams<Rational>>> constructions_past(std::size_t state, std::uint64_t seed) {
  std::vector<std::pair<std::string, models::ScanParams<Rational>>> out;
  for (auto& c : tasks::rank_constructions(state + 1, state, seed)) out.emplace_back(c.name, std::move(c.params));
  return out;
}

// ---- T1c -------------------------------------------------------------------------------------

CheckResult injective(long alphabet, std::size_t cap, const arith::Precision& prec, const models::RoundingSemantics& sem) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    const std::string check = t1::kInjective, instance = "|V|=" + std::to_string(alphabet) + " n=1";
    if constexpr (arith::PointArithmetic<A>) {
      const auto res = tasks::injective_length(ar, alphabet, cap, sem);
      json data = {{"alphabet", alphabet}, {"largest", res.largest}, {"reached_cap", res.reached_cap}, {"cap", cap}};
      std::string detail = res.reached_cap ? "injective up to " + std::to_string(cap) + " (the cap)"
                                           : std::to_string(res.largest) + " (at " + std::to_string(res.largest + 1) + ": " +
                                                 std::to_string(res.distinct_after) + " distinct states for " + std::to_string(res.sequences_after) + " sequences)";
      // A measurement: largest <= n log|F|/log|V| is the pigeonhole principle, true of any count,
      // so comparing with it would be a check that cannot fail. The bound is shown beside it.
      if (const auto log2_f = tasks::log2_value_count(prec)) {
        const double bound = *log2_f / std::log2(static_cast<double>(alphabet));
        data["bound"] = bound;
        detail += "; bound n log|F|/log|V| = " + short_decimal(Rational(static_cast<long>(std::floor(bound * 100)), 100));
      }
      return {check, instance, ar.name(), sem.to_string(), Verdict::measured, detail, data};
    } else {
      return {check, instance, ar.name(), sem.to_string(), Verdict::not_applicable, "counts need point values", {}};
    }
  });
}

// The final state h_L of the one-entry layer (decay a, key 1, query 1) on the tokens, computed by
// running the exact scan: y_L = c · h_L = h_L.
Rational digit_state(const std::vector<long>& tokens, const Rational& decay, const models::RoundingSemantics& sem) {
  const std::size_t n = tokens.size();
  const models::ScanParams<Rational> p{n, 1, models::DecayKind::scalar, std::vector<Rational>(n, decay), std::vector<Rational>(n, Rational(1)),
                                       std::vector<Rational>(n, Rational(1)), std::nullopt};
  return arith::run_exact([&](const auto& ar) {
    using V = typename std::decay_t<decltype(ar)>::value_type;
    std::vector<V> u;
    for (long t : tokens) u.push_back(ar.from_int(t));
    const auto y = models::selective_scan(ar, models::to_arithmetic(ar, p, sem), std::span<const V>(u), sem);
    return ar.to_rational(y.back());
  });
}

// Every token is recovered from the final state of the one-entry layer with decay `decay`
// (THEORY: a = 1/|V|), for all sequences of length <= 10 (|V| = 2) or <= 5 (|V| = 4) and 20
// random ones of lengths 64 and 1024. Fails with the first sequence not recovered.
CheckResult digit_extraction(long alphabet, const Rational& decay, std::uint64_t seed, const models::RoundingSemantics& sem) {
  const std::size_t exhaustive = alphabet == 2 ? 10 : 5;
  const std::string instance = "|V|=" + std::to_string(alphabet) + " a=" + decay.str();
  std::size_t checked = 0;
  auto check = [&](const std::vector<long>& u) {
    ++checked;
    const auto decoded = tasks::decode_digits(digit_state(u, decay, sem), alphabet, u.size());
    return decoded && *decoded == u;
  };
  auto failure = [&](const std::string& what) {
    return CheckResult{t1::kDigits, instance, "exact", sem.to_string(), Verdict::fails, what + " is not recovered",
                       {{"alphabet", alphabet}, {"decay", decay.str()}}};
  };
  std::vector<long> u;
  for (std::size_t length = 1; length <= exhaustive; ++length) {
    u.assign(length, 0);
    while (true) {
      if (!check(u)) {
        std::string tokens;
        for (long x : u) tokens += std::to_string(x);
        return failure("the sequence " + tokens);
      }
      std::size_t k = 0;
      while (k < length && ++u[k] == alphabet) u[k++] = 0;
      if (k == length) break;
    }
  }
  Rng rng(seed + static_cast<std::uint64_t>(alphabet));
  for (std::size_t length : {64, 1024})
    for (int rep = 0; rep < 20; ++rep) {
      u.assign(length, 0);
      for (long& x : u) x = rng.uniform(0, alphabet - 1);
      if (!check(u)) return failure("a random sequence of length " + std::to_string(length));
    }
  return {t1::kDigits, instance, "exact", sem.to_string(), Verdict::verified,
          "every token recovered from the one-entry state (the exact scan's output), for all sequences of length <= " +
              std::to_string(exhaustive) + " and 20 random ones of lengths 64 and 1024 (" + std::to_string(checked) + " sequences)",
          {{"alphabet", alphabet}, {"decay", decay.str()}, {"sequences", checked}}};
}

// ---- the proof -------------------------------------------------------------------------------

ProofReport run(const ProofOptions& opt) {
  const T1Grid g = grid_for(opt);
  ProofReport report{"t1", "", to_string(opt.grid), "", opt.seed, {}};
  report.scope = "T1a exact at every d in {1, ..., " + std::to_string(g.distance_cap_exact) + "}, rounded searched up to " +
                 std::to_string(g.distance_cap) + " (every d up to " + std::to_string(g.confirm) + " and the doubling points above); T1b L in {" + [&] {
                   std::string s;
                   for (std::size_t l : g.rank_lengths) s += (s.empty() ? "" : ", ") + std::to_string(l);
                   return s;
                 }() + "} and past n at L = 9; T1c exhaustive for every L up to " + std::to_string(g.injective_cap_binary) + " (|V| = 2), " +
                 std::to_string(g.injective_cap_quaternary) + " (|V| = 4)";

  std::vector<std::function<CheckResult()>> jobs;
  const models::RoundingSemantics& sem = opt.semantics;
  // T1a.
  for (const Rational& a : t1a_decays())
    for (const arith::Precision& prec : opt.precisions) {
      if (std::holds_alternative<arith::ExactSpec>(prec.spec))
        jobs.push_back([&, a] { return exact_distances("a=" + decay_name(a), a, balanced_distance_layer(a), g.distance_cap_exact, sem); });
      else
        jobs.push_back([&, a, prec] { return largest_distance(t1::kDistance, a, "a=" + decay_name(a), prec, g, sem); });
    }
  for (const arith::Precision& prec : opt.precisions) jobs.push_back([&, prec] { return rounds_to_one(prec, sem); });
  for (long k : g.escape_k)
    for (const arith::Precision& prec : opt.precisions) {
      if (std::holds_alternative<arith::ExactSpec>(prec.spec)) continue;  // no limit in exact: shown above
      jobs.push_back([&, k, prec] { return largest_distance(t1::kEscape, tasks::decay_near_one(k), "k=" + std::to_string(k), prec, g, sem); });
    }
  // T1b.
  for (std::size_t length : g.rank_lengths)
    for (std::size_t state : state_sizes(length)) {
      const std::size_t count = tasks::rank_constructions(length, state, opt.seed).size();
      for (std::size_t i = 0; i < count; ++i) {
        jobs.push_back([&, length, state, i] { return exact_rank(length, state, i, opt.seed, sem); });
        if (length <= 64)
          for (const arith::Precision& prec : opt.precisions)
            if (!std::holds_alternative<arith::ExactSpec>(prec.spec))
              jobs.push_back([&, length, state, i, prec] { return rounded_rank_error(length, state, i, prec, opt.seed, sem); });
      }
    }
  for (const arith::Precision& prec : opt.precisions) {
    jobs.push_back([&, prec] { return rank_row(kRowState, prec, g, sem); });
    jobs.push_back([&, prec] {
      return witness_past_n("n=" + std::to_string(kRowState), constructions_past(kRowState, opt.seed), kRowState + 1, prec, sem);
    });
  }
  // T1c.
  for (long alphabet : {2L, 4L}) {
    const std::size_t cap = alphabet == 2 ? g.injective_cap_binary : g.injective_cap_quaternary;
    for (const arith::Precision& prec : opt.precisions) jobs.push_back([&, alphabet, cap, prec] { return injective(alphabet, cap, prec, sem); });
    jobs.push_back([&, alphabet] { return digit_extraction(alphabet, Rational(1, alphabet), opt.seed, sem); });
  }

  report.results = run_jobs("t1", jobs, opt);
  return report;
}

// The checks that give verdicts (see ProofEntry::checks).
std::vector<std::string> checks() {
  return {t1::kDistance, t1::kRank, t1::kPastN, t1::kDigits};
}

// The perturbed constructions and claims the checks above must reject.
std::vector<Falsifier> falsifiers(const ProofOptions& opt) {
  const models::RoundingSemantics sem = opt.semantics;
  const std::uint64_t seed = opt.seed;
  std::vector<Falsifier> out;
  // T1a in exact: the scan's decay nudged below the one the compensation was made for.
  for (const Rational& a : {Rational(1, 2), Rational(9, 10)})
    out.push_back({t1::kDistance, "decay nudged by 2^-40 in the layer, compensation for a = " + a.str(), [a, sem] {
                     const DistanceLayer nudged = [a](std::size_t d) {
                       auto p = tasks::SlotCopyLayer(tasks::distance_schedule(d), a, Compensation::balanced).dense();
                       for (Rational& x : p.a) x -= Rational(1, 1LL << 40);
                       return p;
                     };
                     return exact_distances("a=" + a.str() + " nudged", a, nudged, 64, sem);
                   }});
  out.push_back({t1::kDistance, "compensation exponent off by one from d = 40 on (a = 1/2)", [sem] {
                   const Rational a(1, 2);
                   const DistanceLayer off = [a](std::size_t d) {
                     auto p = tasks::SlotCopyLayer(tasks::distance_schedule(d), a, Compensation::balanced).dense();
                     if (d >= 40) p.c.back() *= a;
                     return p;
                   };
                   return exact_distances("a=1/2 exponent off", a, off, 64, sem);
                 }});
  // T1b ranks: a layer with one state entry more than claimed, and a non-tight construction
  // claimed tight.
  out.push_back({t1::kRank, "state one entry too large: L = 16 slots claimed as n = 15", [sem] {
                   const tasks::SlotCopyLayer layer(tasks::full_copy_schedule(16), Rational(1, 2), Compensation::balanced);
                   return exact_rank("slots L=16 claimed n=15", layer.dense(), 16, 15, false, sem);
                 }});
  out.push_back({t1::kRank, "random keys (L = 16, n = 4) claimed tight", [sem, seed] {
                   const auto c = tasks::rank_constructions(16, 4, seed).at(1);
                   return exact_rank(c.name + " claimed tight", c.params, 16, 4, true, sem);
                 }});
  // T1b past n: a layer with a full state (n = L) has no witness; in a format too.
  for (const std::string name : {"exact", "fp16"})
    out.push_back({t1::kPastN, "state one entry larger: the L = n + 1 = 9 slot layer (" + name + ")", [name, sem] {
                     const tasks::SlotCopyLayer layer(tasks::full_copy_schedule(kRowState + 1), Rational(1, 2), Compensation::balanced);
                     return witness_past_n("slots n=L=9", {{"slots n = L", layer.dense()}}, kRowState + 1, arith::parse_precision(name), sem);
                   }});
  // T1c: the digit layer with a decay other than 1/|V|.
  for (long alphabet : {2L, 4L})
    out.push_back({t1::kDigits, "decay 1/(|V| + 1) instead of 1/|V| (|V| = " + std::to_string(alphabet) + ")",
                   [alphabet, seed, sem] { return digit_extraction(alphabet, Rational(1, alphabet + 1), seed, sem); }});
  out.push_back({t1::kDigits, "decay 1/2 + 2^-40 (|V| = 2)",
                 [seed, sem] { return digit_extraction(2, Rational(1, 2) + Rational(1, 1LL << 40), seed, sem); }});
  return out;
}


}  // namespace
}  // namespace freelunch::proofs::t1

namespace freelunch::proofs {

ProofEntry module_t1() {
  using namespace t1;  // the module's run, checks and falsifiers above
  return {"t1", "Thm 1", "Thm 1", "constant-size Mamba has a COPY bottleneck (magnitude, rank, information)",
      "constant-size Mamba has a COPY bottleneck: magnitude (finite range), rank (every arithmetic), information (finite precision)",
      run, "exact,mpfr53,fp64,fp32,bf16,fp16,e5m2,e4m3,fix8.8", checks(), falsifiers, t1::statement(), t1::tables, t1::figures};
}

}  // namespace freelunch::proofs
