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
// Checks. T1a: per arithmetic the largest distance L* that copies (decoded, both signs), with the
// cause of the first failure, beside the bound from the format's largest finite value; the bound's
// inequality exactly on every construction's parameters; the a -> 1 escape (L* for a = 1 - 2^-k,
// and the k from which the stored decay is 1). T1b: exact block ranks <= n, exact mean squared
// errors >= (L - n)/L with equality for the tight constructions; per arithmetic the error of the
// same constructions on fixed random ±1 inputs beside the exact error on the same inputs; the
// largest L an n = 8 layer copies per arithmetic. T1c: exhaustive counts of distinct final states
// per arithmetic, the largest injective L beside n log|F|/log|V|, and digit extraction in `exact`.
#include <cmath>
#include <string>
#include <vector>

#include "arith/exact.hpp"
#include "core/deviation.hpp"
#include "core/instances.hpp"
#include "core/proof.hpp"
#include "core/random.hpp"
#include "linalg/rank.hpp"
#include "models/selective_scan.hpp"
#include "output/copy_tables.hpp"
#include "tasks/decay_escape.hpp"
#include "tasks/magnitude_bound.hpp"
#include "tasks/rank_constructions.hpp"
#include "tasks/slot_copy_search.hpp"
#include "tasks/state_count.hpp"

namespace freelunch::proofs {
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

Verdict point_verdict(bool exact_or_certified) { return exact_or_certified ? Verdict::verified : Verdict::holds_numerically; }

// ---- T1a -------------------------------------------------------------------------------------

CheckResult largest_distance(const std::string& check, const Rational& a, const std::string& instance, const arith::Precision& prec,
                             const T1Grid& g, const models::RoundingSemantics& sem) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    const std::size_t cap = A::is_exact ? g.distance_cap_exact : g.distance_cap;
    const auto s = tasks::largest_copying(ar, tasks::distance_schedule, a, Compensation::balanced, tasks::plus_minus_one(), cap, g.confirm, sem);
    std::string detail = s.search.describe() + "; every d <= " + std::to_string(s.search.confirmed_up_to) + " evaluated";
    if (s.failure) detail += "; fails at d = " + std::to_string(s.search.largest ? *s.search.largest + 1 : 1) + ": " + s.failure_cause();
    json data = {{"decay", a.str()}, {"largest", s.search.largest ? json(*s.search.largest) : json(nullptr)},
                 {"reached_cap", s.search.reached_cap}, {"cap", cap}, {"confirmed_up_to", s.search.confirmed_up_to},
                 {"cause", s.failure_cause()}};
    if (const auto log2_beta = tasks::log2_largest_finite(prec); log2_beta && !A::is_exact) {
      const long bound = tasks::magnitude_bound(*log2_beta, 1, a);
      data["bound"] = bound;
      detail += "; bound " + std::to_string(bound);
    }
    return {check, instance, ar.name(), sem.to_string(), point_verdict(A::is_exact || A::is_certified), detail, data};
  });
}

// n β^2 >= a^-d exactly for both splits and every listed d; equality for the balanced split at
// even d (the construction meets the bound).
CheckResult bound_inequality(const Rational& a, std::size_t cap, const models::RoundingSemantics& sem) {
  std::vector<std::size_t> distances;
  for (std::size_t d = 1; d <= 64; ++d) distances.push_back(d);
  for (std::size_t d = 128; d <= cap; d *= 2) distances.push_back(d);
  for (const Compensation split : {Compensation::query, Compensation::balanced}) {
    for (std::size_t d : distances) {
      const tasks::SlotCopyLayer layer(tasks::distance_schedule(d), a, split);
      const Rational key = layer.key(0), query = layer.query(0);
      const Rational beta = key < query ? query : key;
      const bool holds = tasks::magnitude_inequality_holds(beta, 1, a, static_cast<long>(d));
      const bool tight = split != Compensation::balanced || d % 2 == 1 || beta * beta * pow(a, d) == 1;
      if (!holds || !tight)
        return {"T1a bound inequality", "a=" + decay_name(a), "exact", sem.to_string(), Verdict::fails,
                std::string(!holds ? "n beta^2 < a^-d" : "balanced split not tight") + " at d = " + std::to_string(d) + ", split " +
                    tasks::to_string(split),
                {{"decay", a.str()}, {"distance", d}}};
    }
  }
  return {"T1a bound inequality", "a=" + decay_name(a), "exact", sem.to_string(), Verdict::verified,
          "n beta^2 >= a^-d for both splits, equality for the balanced split at even d; verified for d in {1..64} and powers of two up to " +
              std::to_string(cap),
          {{"decay", a.str()}, {"distances", distances.size()}}};
}

CheckResult rounds_to_one(const arith::Precision& prec, const models::RoundingSemantics& sem) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    if constexpr (arith::PointArithmetic<A>) {
      const long k_max = 256;
      const auto k = tasks::decay_rounds_to_one_from(ar, sem, k_max);
      return {"T1a decay 1-2^-k rounds to 1", "k <= " + std::to_string(k_max), ar.name(), sem.to_string(), Verdict::measured,
              k ? "from k = " + std::to_string(*k) : "never for k <= " + std::to_string(k_max),
              {{"k", k ? json(*k) : json(nullptr)}, {"k_max", k_max}}};
    } else {
      return {"T1a decay 1-2^-k rounds to 1", "", ar.name(), sem.to_string(), Verdict::not_applicable, "intervals never round to a point", {}};
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

CheckResult exact_rank(std::size_t length, std::size_t state, std::size_t index, std::uint64_t seed, const models::RoundingSemantics& sem) {
  const auto c = tasks::rank_constructions(length, state, seed).at(index);
  const auto block = tasks::copy_block(c.params, length);
  const long rank = linalg::rank_flint(block);
  const Rational mse = tasks::block_mean_squared_error(block), bound = tasks::rank_error_bound(length, state);
  const bool ok = rank <= static_cast<long>(state) && mse >= bound && (!c.tight || mse == bound);
  std::string detail = "rank " + std::to_string(rank) + " <= n; mean squared error " + short_decimal(mse) +
                       (mse == bound ? " = " : " >= ") + "(L-n)/L = " + short_decimal(bound);
  if (!ok) detail = "rank " + std::to_string(rank) + ", error " + short_decimal(mse) + ", bound " + short_decimal(bound) + (c.tight ? " (should be tight)" : "");
  CheckResult r{"T1b rank and error bound", rank_instance(c, length, state), "exact", sem.to_string(), ok ? Verdict::verified : Verdict::fails,
                detail, {{"L", length}, {"n", state}, {"construction", c.name}, {"rank", rank}, {"mse", mse.str()}, {"bound", bound.str()},
                         {"tight", c.tight}}};
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
      CheckResult r{"T1b error on 8 random inputs", rank_instance(c, length, state), ar.name(), sem.to_string(), Verdict::measured,
                    (finite ? short_decimal(mse) : std::string("non-finite output")) + " (exact arithmetic on the same inputs: " + short_decimal(exact) + ")",
                    data};
      r.magnitude = finite ? std::abs(mse.convert_to<double>() - exact.convert_to<double>()) : 1e300;
      return r;
    } else {
      return {"T1b error on 8 random inputs", rank_instance(c, length, state), ar.name(), sem.to_string(), Verdict::not_applicable,
              "reported for point arithmetics", data};
    }
  });
}

// The largest full-copy length an n-state layer (T3's slots, a = 1/2, balanced) copies, L <= n.
CheckResult rank_row(std::size_t state, const arith::Precision& prec, const T1Grid& g, const models::RoundingSemantics& sem) {
  CheckResult r = arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    const auto s = tasks::largest_copying(ar, tasks::full_copy_schedule, Rational(1, 2), Compensation::balanced, tasks::plus_minus_one(), state,
                                          g.confirm, sem);
    const std::size_t largest = s.search.largest.value_or(0);
    return {"T1b largest length with n = " + std::to_string(state), "n=" + std::to_string(state), ar.name(), sem.to_string(),
            point_verdict(A::is_exact || A::is_certified),
            std::to_string(largest) + (s.failure ? " (fails at L = " + std::to_string(largest + 1) + ": " + s.failure_cause() + ")" : "") +
                "; L > n impossible in every arithmetic (block rank <= n < L)",
            {{"largest", largest}, {"n", state}, {"cause", s.failure_cause()}}};
  });
  return r;
}

// ---- T1c -------------------------------------------------------------------------------------

CheckResult injective(long alphabet, std::size_t cap, const arith::Precision& prec, const models::RoundingSemantics& sem) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    const std::string check = "T1c largest injective length", instance = "|V|=" + std::to_string(alphabet) + " n=1";
    if constexpr (arith::PointArithmetic<A>) {
      const auto res = tasks::injective_length(ar, alphabet, cap, sem);
      json data = {{"alphabet", alphabet}, {"largest", res.largest}, {"reached_cap", res.reached_cap}, {"cap", cap}};
      std::string detail = res.reached_cap ? "injective up to " + std::to_string(cap) + " (the cap)"
                                           : std::to_string(res.largest) + " (at " + std::to_string(res.largest + 1) + ": " +
                                                 std::to_string(res.distinct_after) + " distinct states for " + std::to_string(res.sequences_after) + " sequences)";
      Verdict v = A::is_exact ? Verdict::verified : Verdict::measured;
      if (const auto log2_f = tasks::log2_value_count(prec)) {
        const double bound = *log2_f / std::log2(static_cast<double>(alphabet));
        data["bound"] = bound;
        detail += "; bound n log|F|/log|V| = " + short_decimal(Rational(static_cast<long>(std::floor(bound * 100)), 100));
        // The count is exhaustive and the emulation bit-exact: the bound is checked, not estimated.
        v = static_cast<double>(res.largest) <= bound ? Verdict::holds_numerically : Verdict::fails;
      }
      return {check, instance, ar.name(), sem.to_string(), v, detail, data};
    } else {
      return {check, instance, ar.name(), sem.to_string(), Verdict::not_applicable, "counts need point values", {}};
    }
  });
}

CheckResult digit_extraction(long alphabet, std::uint64_t seed, const models::RoundingSemantics& sem) {
  // Every sequence of length <= 10 (|V| = 2) or <= 5 (|V| = 4), and 20 random ones of length 64 and 1024.
  const std::size_t exhaustive = alphabet == 2 ? 10 : 5;
  std::size_t checked = 0;
  auto check = [&](const std::vector<long>& u) {
    ++checked;
    const auto decoded = tasks::decode_digits(tasks::exact_digit_state(u, alphabet), alphabet, u.size());
    return decoded && *decoded == u;
  };
  std::vector<long> u;
  for (std::size_t length = 1; length <= exhaustive; ++length) {
    u.assign(length, 0);
    while (true) {
      if (!check(u))
        return {"T1c exact digit extraction", "|V|=" + std::to_string(alphabet), "exact", sem.to_string(), Verdict::fails,
                "a sequence of length " + std::to_string(length) + " is not recovered", {}};
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
      if (!check(u))
        return {"T1c exact digit extraction", "|V|=" + std::to_string(alphabet), "exact", sem.to_string(), Verdict::fails,
                "a random sequence of length " + std::to_string(length) + " is not recovered", {}};
    }
  return {"T1c exact digit extraction", "|V|=" + std::to_string(alphabet), "exact", sem.to_string(), Verdict::verified,
          "every token recovered from the one-entry state, for all sequences of length <= " + std::to_string(exhaustive) +
              " and 20 random ones of lengths 64 and 1024 (" + std::to_string(checked) + " sequences)",
          {{"alphabet", alphabet}, {"sequences", checked}}};
}

// ---- the proof -------------------------------------------------------------------------------

ProofReport run(const ProofOptions& opt) {
  const T1Grid g = grid_for(opt);
  ProofReport report{"t1", "", to_string(opt.grid), "", opt.seed, {}, {}};
  report.scope = "T1a distances up to " + std::to_string(g.distance_cap) + " (exact " + std::to_string(g.distance_cap_exact) +
                 "); T1b L in {" + [&] {
                   std::string s;
                   for (std::size_t l : g.rank_lengths) s += (s.empty() ? "" : ", ") + std::to_string(l);
                   return s;
                 }() + "}; T1c exhaustive up to L = " + std::to_string(g.injective_cap_binary) + " (|V| = 2), " +
                 std::to_string(g.injective_cap_quaternary) + " (|V| = 4)";

  std::vector<std::function<CheckResult()>> jobs;
  const models::RoundingSemantics& sem = opt.semantics;
  // T1a.
  for (const Rational& a : t1a_decays())
    for (const arith::Precision& prec : opt.precisions)
      jobs.push_back([&, a, prec] { return largest_distance("T1a largest distance", a, "a=" + decay_name(a), prec, g, sem); });
  for (const Rational& a : t1a_decays()) jobs.push_back([&, a] { return bound_inequality(a, g.distance_cap_exact, sem); });
  for (const arith::Precision& prec : opt.precisions) jobs.push_back([&, prec] { return rounds_to_one(prec, sem); });
  for (long k : g.escape_k)
    for (const arith::Precision& prec : opt.precisions) {
      if (std::holds_alternative<arith::ExactSpec>(prec.spec)) continue;  // no limit in exact: shown above
      jobs.push_back([&, k, prec] { return largest_distance("T1a escape a=1-2^-k", tasks::decay_near_one(k), "k=" + std::to_string(k), prec, g, sem); });
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
  for (const arith::Precision& prec : opt.precisions) jobs.push_back([&, prec] { return rank_row(8, prec, g, sem); });
  // T1c.
  for (long alphabet : {2L, 4L}) {
    const std::size_t cap = alphabet == 2 ? g.injective_cap_binary : g.injective_cap_quaternary;
    for (const arith::Precision& prec : opt.precisions) jobs.push_back([&, alphabet, cap, prec] { return injective(alphabet, cap, prec, sem); });
    jobs.push_back([&, alphabet] { return digit_extraction(alphabet, opt.seed, sem); });
  }

  report.results = run_jobs("t1", jobs, opt);
  report.tables.push_back({"t1-separation.tex", output::t1_separation_table(report, opt.precisions)});
  report.tables.push_back({"t1-escape.tex", output::t1_escape_table(report, opt.precisions)});
  return report;
}

// The checks that give verdicts (see ProofEntry::checks).
std::vector<std::string> checks() { return {}; }

// The perturbed constructions and claims the checks above must reject.
std::vector<Falsifier> falsifiers(const ProofOptions&) { return {}; }

}  // namespace

ProofEntry module_t1() {
  return {"t1", "Thm 1", "Thm 1", "constant-size Mamba has a COPY bottleneck (magnitude, rank, information)",
      "constant-size Mamba has a COPY bottleneck: magnitude (finite range), rank (every arithmetic), information (finite precision)",
      run, "exact,mpfr53,fp64,fp32,bf16,fp16,e5m2,e4m3,fix8.8", checks(), falsifiers};
}

}  // namespace freelunch::proofs
