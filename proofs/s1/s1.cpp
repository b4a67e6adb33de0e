// S1 (THEORY §5): state tracking, parity and counting (Sarrof et al. 2024; Grazzi et al., ICLR
// 2025). Not a theorem of the seed paper.
//
// Claim. A linear RNN over {0, 1}, h_t = A(x_t) h_(t−1) + b(x_t), tracks parity with a negative
// eigenvalue (S1.1) and counts mod 3 with two generalized Householder reflections per token
// (S1.2); a diagonal real transition cannot count mod 3 (S1.2); with every decay in [0, 1]
// (Mamba's range) a finite format cannot track parity, because under the constant input the
// rounded orbit is monotone and stops at a fixed point (S1.3).
//
// Constructions (tasks/state_tracking.hpp): parity_negative (n = 1, A(1) = −1, h_0 = 1, class 1
// iff −h > 0); mod3_householder (n = 3, token 1 applies H(e2 − e3) then H(e1 − e2), argmax of
// h); mod3_diagonal (n = 3, random diagonal, random argmax read-out); parity_positive (n = 1,
// h ← a h + b on token 1, h ← a h on token 0, h_0 = 0, class 1 iff h > θ).
//
// Checks, per arithmetic, each by running the layer (models/linear_rnn.hpp) in that arithmetic:
// (1) s1::kParity and (2) s1::kMod3: the for-all-length certificate
//     (tasks/automaton_certificate.hpp): breadth-first enumeration of the reachable (state, count
//     class) pairs, compared exactly. Closed and right everywhere: verified for all lengths (a
//     proof about the computation in that arithmetic). A wrong read-out: fails, with the
//     shortest input as witness. Falsifiers: a(1) = 1 − 2^-40 instead of −1; the reflections in
//     the other order (the cycle runs backwards); β = 1/2 (no longer a reflection).
// (3) s1::kDiagonal: every diagonal instance fails mod 3, with the shortest witness input. The
//     instances: random diagonal layers, and designed near misses (tasks::mod3_diagonal_near_miss:
//     k decays, read-out solved to be right with fewer than k ones), whose witnesses come later. The check
//     fails when no witness is found up to the cap; falsifier: the Householder layer.
// (4) s1::kFixedPoint: positive decays a in {1/2, 9/10, 99/100, 1 − 2^-10}, key 1, θ = 1/2, in
//     each rounded format: the fixed-point step K under the constant input (least t with
//     h_t = h_(t+1)) exists up to the cap, and the read-out is wrong at K or K + 1 (the witness,
//     found by running). Exact: no fixed point up to the cap (measured). Falsifier: a = −1 (the
//     orbit of S1.1 alternates forever: no K).
// (5) s1::kSignChanges: in exact arithmetic, for random layers with n decays in (0, 1), a key,
//     a read-out c and θ, c · h_t − θ changes sign at most n times over t = 1..T. Falsifier: a
//     negative decay, h ← −h/2 + 1 with θ = 2/3 (a sign change at every step).
// (6) s1::kMambaParity: S1.1 in Mamba's parametrization, a(1) = 2 exp(−Δ) − 1 computed in the
//     arithmetic, Δ in {1, 8, 16, 64}. In a format the certificate decides; the claim checked is
//     THEORY's mechanism: the read-out (the sign of h) is wrong only where h has reached 0 (a
//     witness with h ≠ 0 fails the check). Closed sets are reported with their cause: a stored as
//     −1, or an orbit that stops shrinking above 0. Exact (and intervalP): a is irrational, so an
//     interval128 (intervalP) enclosure certifies −1 < a(1) < 0, a(0) = 1 exactly, and the sign of
//     h on 1^k for k <= 4096, hence on every input with at most 4096 ones. Falsifier: a = 2 exp(−Δ)
//     (the shift dropped; fp16 and exact).
// (7) s1::kMambaFixedPoint: S1.3 on random Mamba-range layers (tasks::draw_mamba_decay_layer: n =
//     16, Δ = softplus(w), A_s = −s, Euler b = Δ B), in each rounded format: a fixed point K exists
//     up to the cap and the read-out is wrong at K or K + 1. Exact and intervals: not applicable
//     (exp is irrational; check 5 is exact's side). Falsifier: one decay replaced by −1 (period 2).
// (8) s1::kSignTight: exact, n in {1, 2, 4, 8, 16}: tasks::alternating_threshold(n) (decays s/(n+1),
//     c and θ solved exactly for c.h_t − θ = (−1)^(t+1) at t = 1..n+1) changes sign exactly n times
//     over t = 1..T, so check 5's bound is tight. Falsifier: the construction for n = 4 with its
//     last decay set equal to the first (3 distinct decays: at most 3 changes).
#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "arith/interval.hpp"
#include "core/instances.hpp"
#include "core/proof.hpp"
#include "output/theorem_module.hpp"
#include "s1_report.hpp"
#include "tasks/automaton_certificate.hpp"
#include "tasks/constant_input.hpp"
#include "tasks/state_tracking.hpp"

namespace freelunch::proofs::s1 {
namespace {

using tasks::TrackingLayer;

constexpr std::size_t kStateCap = 4096;       // certificate: distinct states before "not closed"
constexpr std::size_t kFixedPointCap = 1 << 20;  // constant input: steps before "no fixed point"
constexpr std::size_t kExactFixedPointCap = 1024;  // exact: the state's size grows with every step
constexpr std::size_t kMambaStateCap = 1 << 16;    // (6): orbits that shrink one ulp at a time
constexpr std::size_t kEnclosedOnes = 4096;        // (6), exact: 1^k certified for k <= this
constexpr mpfr_prec_t kEnclosurePrecision = 128;   // (6), exact: the interval arithmetic used

// (1), (2), (3): the certificate of `layer` in arithmetic `prec`. `expect_failure`: the claim is
// that the layer fails (3), so a witness passes and its absence fails.
CheckResult certificate(const char* check, const TrackingLayer& layer, const arith::Precision& prec, bool expect_failure,
                        const models::RoundingSemantics& sem) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    nlohmann::json data = {{"layer", layer.name}, {"modulus", layer.modulus}};
    if constexpr (!arith::PointArithmetic<A>) {
      return {check, layer.name, ar.name(), sem.to_string(), Verdict::not_applicable,
              "an interval enclosure is not a state of the computation: no automaton", data};
    } else {
      const auto rnn = models::to_arithmetic(ar, layer.rnn, sem);
      const auto readout = tasks::to_arithmetic(ar, layer.readout, sem);
      const tasks::AutomatonResult a = tasks::certify_count_mod(ar, rnn, readout, layer.modulus, kStateCap, sem);
      data["closed"] = a.closed;
      data["reachable_states"] = a.reachable_states;
      data["pairs"] = a.pairs;
      data["depth"] = a.depth;
      data["witness_length"] = a.witness ? nlohmann::json(a.witness->size()) : nlohmann::json(nullptr);
      Verdict v;
      if (expect_failure) v = a.witness ? passing_verdict(A::is_exact) : Verdict::fails;
      else if (a.witness) v = Verdict::fails;
      else v = a.closed ? Verdict::verified_all_lengths : passing_verdict(A::is_exact);
      std::string detail = a.describe(layer.modulus);
      if (expect_failure && !a.witness) detail = "no witness: " + detail;
      return {check, layer.name, ar.name(), sem.to_string(), v, detail, data};
    }
  });
}

// (4) and (7) on a layer already in the arithmetic: K under the constant input 1, then the
// read-outs at K and K + 1 (at least 1: T = 0 has none) by running the layer on 1^T.
template <arith::PointArithmetic A>
CheckResult fixed_point_in(const A& ar, const char* check, const std::string& instance, const models::LinearRnn<typename A::value_type>& rnn,
                           const tasks::RnnReadout<typename A::value_type>& readout, nlohmann::json data, const models::RoundingSemantics& sem) {
  const std::size_t cap = A::is_exact ? kExactFixedPointCap : kFixedPointCap;
  const std::optional<std::size_t> k = tasks::constant_input_fixed_point(ar, rnn, 1, cap, sem);
  data["K"] = k ? nlohmann::json(*k) : nlohmann::json(nullptr);
  data["cap"] = cap;
  data["reached_cap"] = !k;
  if (!k) {
    const std::string none = "no fixed point up to t = " + std::to_string(cap);
    if constexpr (A::is_exact) return {check, instance, ar.name(), sem.to_string(), Verdict::measured, none + " (the exact orbit converges without arriving)", data};
    else return {check, instance, ar.name(), sem.to_string(), Verdict::fails, none, data};
  }
  const std::size_t first = std::max<std::size_t>(*k, 1);
  const auto states = models::rnn_states(ar, rnn, std::vector<std::size_t>(first + 1, 1), sem);
  std::optional<std::size_t> witness;
  for (std::size_t t = first; t <= first + 1 && !witness; ++t)
    if (tasks::read_class(ar, readout, states[t - 1], sem) != t % 2) witness = t;
  data["witness"] = witness ? nlohmann::json(*witness) : nlohmann::json(nullptr);
  std::string detail = "K = " + std::to_string(*k);
  if (!witness) return {check, instance, ar.name(), sem.to_string(), Verdict::fails, detail + ", yet the read-out is right at K and K + 1", data};
  detail += "; the read-out is wrong at T = " + std::to_string(*witness) + " (input 1^" + std::to_string(*witness) + ")";
  CheckResult r{check, instance, ar.name(), sem.to_string(), passing_verdict(A::is_exact), detail, data};
  r.magnitude = static_cast<double>(*k);
  return r;
}

// (4) on the layer parity_positive(decay, 1, 1/2) or a falsifier's.
CheckResult fixed_point(const TrackingLayer& layer, const std::string& decay, const arith::Precision& prec, const models::RoundingSemantics& sem) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    nlohmann::json data = {{"layer", layer.name}, {"decay", decay}};
    if constexpr (!arith::PointArithmetic<A>) {
      return {s1::kFixedPoint, layer.name, ar.name(), sem.to_string(), Verdict::not_applicable, "intervals: no fixed point of enclosures is claimed", data};
    } else {
      return fixed_point_in(ar, s1::kFixedPoint, layer.name, models::to_arithmetic(ar, layer.rnn, sem), tasks::to_arithmetic(ar, layer.readout, sem), data, sem);
    }
  });
}

// (7) on a random Mamba-range layer; `negate_first`: the falsifier's decay −1 on entry 1.
CheckResult mamba_fixed_point(const tasks::MambaDecayLayer& layer, const arith::Precision& prec, const models::RoundingSemantics& sem,
                              bool negate_first = false) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    nlohmann::json data = {{"layer", layer.name}, {"n", layer.A.size()}};
    if constexpr (!arith::PointArithmetic<A> || !arith::TranscendentalArithmetic<A>) {
      return {s1::kMambaFixedPoint, layer.name, ar.name(), sem.to_string(), Verdict::not_applicable,
              A::is_exact ? "exp(delta A) is irrational: exact's side of S1.3 is the sign-change check" : "intervals: no fixed point of enclosures is claimed",
              data};
    } else {
      auto rnn = tasks::mamba_decay_rnn(ar, layer, sem);
      if (negate_first)
        for (auto& token : rnn.tokens) std::get<models::DiagonalFactor<typename A::value_type>>(token.factors[0]).d[0] = ar.from_int(-1);
      tasks::RnnReadout<Rational> readout{tasks::ReadoutKind::threshold, {layer.c}, layer.theta};
      return fixed_point_in(ar, s1::kMambaFixedPoint, layer.name, rnn, tasks::to_arithmetic(ar, readout, sem), data, sem);
    }
  });
}

// (6) in exact real arithmetic, certified by enclosures: −1 < a(1) < 0, a(0) = 1, and the sign of
// h on 1^k for k = 1..kEnclosedOnes.
CheckResult enclosed_mamba_parity(const arith::IntervalArith& iv, const std::string& column, const Rational& delta, const std::string& instance,
                                  const models::RoundingSemantics& sem, bool drop_shift) {
  const auto rnn = tasks::mamba_parity(iv, delta, sem, drop_shift);
  const arith::Interval& a0 = std::get<models::DiagonalFactor<arith::Interval>>(rnn.tokens[0].factors[0]).d[0];
  const arith::Interval& a1 = std::get<models::DiagonalFactor<arith::Interval>>(rnn.tokens[1].factors[0]).d[0];
  // Shown as a(1) + 1 (= 2 exp(−Δ)), whose digits survive where a(1) itself prints as −1.
  const double gap_lower = (iv.lower(a1) + 1).convert_to<double>(), gap_upper = (iv.upper(a1) + 1).convert_to<double>();
  nlohmann::json data = {{"delta", delta.str()}, {"enclosure", iv.name()}, {"a_plus_one_lower", gap_lower}, {"a_plus_one_upper", gap_upper}};
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "a(1) + 1 in [%.6g, %.6g]", gap_lower, gap_upper);
  const std::string enclosure = buffer;
  auto result = [&](Verdict v, const std::string& detail) { return CheckResult{s1::kMambaParity, instance, column, sem.to_string(), v, detail, data}; };
  if (!(iv.lower(a0) == 1 && iv.upper(a0) == 1)) return result(Verdict::fails, "a(0) is not exactly 1");
  const arith::Tribool inside = (a1 > iv.from_int(-1)) && (a1 < iv.from_int(0));
  if (!inside.is_true()) return result(verdict_of(inside, true), enclosure + (inside.is_false() ? ", not inside (0, 1)" : ", not certainly inside (0, 1)"));
  arith::Interval h = rnn.h0[0];
  for (std::size_t k = 1; k <= kEnclosedOnes; ++k) {
    h = a1 * h;
    const arith::Tribool right = k % 2 == 1 ? h < iv.from_int(0) : h > iv.from_int(0);
    if (!right.is_true()) {
      data["first_wrong"] = k;
      return result(verdict_of(right, true), enclosure + "; the sign of h on 1^" + std::to_string(k) + " is " + (right.is_false() ? "wrong" : "undecided"));
    }
  }
  data["ones"] = kEnclosedOnes;
  return result(Verdict::verified, enclosure + " inside (0, 1), a(0) = 1 exactly (" + iv.name() + "); the sign of h is the parity on 1^k for k <= " +
                                        std::to_string(kEnclosedOnes) + ", hence on every input with at most " + std::to_string(kEnclosedOnes) + " ones");
}

// (6) in a format: the certificate, and at a witness whether h has reached 0.
CheckResult mamba_parity(const Rational& delta, const arith::Precision& prec, const models::RoundingSemantics& sem, bool drop_shift = false) {
  const std::string instance = std::string(drop_shift ? "2exp(-delta)" : "2exp(-delta)-1") + " delta=" + delta.str();
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    if constexpr (std::is_same_v<A, arith::IntervalArith>) {
      return enclosed_mamba_parity(ar, ar.name(), delta, instance, sem, drop_shift);
    } else if constexpr (!arith::TranscendentalArithmetic<A>) {
      const arith::IntervalArith iv(kEnclosurePrecision);
      return enclosed_mamba_parity(iv, ar.name(), delta, instance, sem, drop_shift);
    } else {
      using V = typename A::value_type;
      const auto rnn = tasks::mamba_parity(ar, delta, sem, drop_shift);
      const auto readout = tasks::to_arithmetic(ar, tasks::parity_negative().readout, sem);
      const V& a1 = std::get<models::DiagonalFactor<V>>(rnn.tokens[1].factors[0]).d[0];
      const Rational stored = ar.to_rational(a1);
      const tasks::AutomatonResult a = tasks::certify_count_mod(ar, rnn, readout, 2, kMambaStateCap, sem);
      nlohmann::json data = {{"delta", delta.str()}, {"stored_a", stored.convert_to<double>()}, {"stored_minus_one", stored == -1},
                             {"closed", a.closed}, {"reachable_states", a.reachable_states}, {"depth", a.depth},
                             {"witness_length", a.witness ? nlohmann::json(a.witness->size()) : nlohmann::json(nullptr)}};
      auto result = [&](Verdict v, const std::string& detail) { return CheckResult{s1::kMambaParity, instance, ar.name(), sem.to_string(), v, detail, data}; };
      if (a.witness) {
        const auto states = models::rnn_states(ar, rnn, *a.witness, sem);
        const V& h = states.back()[0];
        const bool zero = ar.is_finite(h) && ar.to_rational(h) == 0;
        data["underflow"] = zero;
        if (!zero) return result(Verdict::fails, a.describe(2) + "; h = " + (ar.is_finite(h) ? ar.to_rational(h).str() : "non-finite") + " is not 0: not an underflow");
        return result(passing_verdict(A::is_exact), a.describe(2) + "; h has underflowed to 0 there");
      }
      if (a.closed) {
        std::string cause = stored == -1 ? "a(1) is stored as -1" : "the orbit stops shrinking above 0";
        return result(Verdict::verified_all_lengths, cause + "; " + a.describe(2));
      }
      return result(passing_verdict(A::is_exact), a.describe(2));
    }
  });
}

// (5) on the exact layer with constant-input update h <- diag(decay) h + key and read-out
// c . h > theta.
CheckResult sign_changes(const std::string& instance, const std::vector<Rational>& decay, const std::vector<Rational>& key,
                         const std::vector<Rational>& c, const Rational& theta, std::size_t length, const models::RoundingSemantics& sem) {
  const std::size_t n = decay.size();
  models::LinearRnn<Rational> rnn{n, {models::TokenUpdate<Rational>{}, models::TokenUpdate<Rational>{{models::DiagonalFactor<Rational>{decay}}, key}},
                                  std::vector<Rational>(n, Rational(0))};
  tasks::RnnReadout<Rational> readout{tasks::ReadoutKind::threshold, {c}, theta};
  return arith::run_exact([&](const auto& ar) -> CheckResult {
    const auto changes = tasks::threshold_sign_changes(ar, models::to_arithmetic(ar, rnn, sem), tasks::to_arithmetic(ar, readout, sem), 1, length, sem);
    const Verdict v = changes <= n ? Verdict::verified : Verdict::fails;
    return {s1::kSignChanges, instance, "exact", sem.to_string(), v,
            std::to_string(changes) + " sign changes of c.h_t - theta for t = 1.." + std::to_string(length) + " (at most n = " + std::to_string(n) + ")",
            {{"n", n}, {"changes", changes}, {"T", length}}};
  });
}

// (8) on the tight construction (or a falsifier's copy of it): exactly n sign changes.
CheckResult tight_sign_changes(const TrackingLayer& layer, std::size_t length, const models::RoundingSemantics& sem) {
  const std::size_t n = layer.rnn.state;
  return arith::run_exact([&](const auto& ar) -> CheckResult {
    const auto changes = tasks::threshold_sign_changes(ar, models::to_arithmetic(ar, layer.rnn, sem), tasks::to_arithmetic(ar, layer.readout, sem), 1, length, sem);
    const Verdict v = changes == n ? Verdict::verified : Verdict::fails;
    return {s1::kSignTight, layer.name, "exact", sem.to_string(), v,
            std::to_string(changes) + " sign changes of c.h_t - theta for t = 1.." + std::to_string(length) + " (n = " + std::to_string(n) + ")",
            {{"n", n}, {"changes", changes}, {"T", length}}};
  });
}

// (5) on a random layer: n decays k / 2^8 with k in 1..255, key, c and theta from [-1, 1].
CheckResult random_sign_changes(std::size_t n, std::uint64_t seed, std::size_t length, const models::RoundingSemantics& sem) {
  std::mt19937_64 rng(seed);
  auto unit = [&] { return Rational(static_cast<long>(rng() % 513) - 256, 256); };
  std::vector<Rational> decay, key, c;
  for (std::size_t i = 0; i < n; ++i) decay.push_back(Rational(static_cast<long>(rng() % 255) + 1, 256));
  for (std::size_t i = 0; i < n; ++i) key.push_back(unit());
  for (std::size_t i = 0; i < n; ++i) c.push_back(unit());
  const Rational theta = unit();
  return sign_changes("n=" + std::to_string(n) + " seed=" + std::to_string(seed), decay, key, c, theta, length, sem);
}

const std::vector<long>& mamba_deltas() {
  static const std::vector<long> d = {1, 8, 16, 64};
  return d;
}

constexpr std::size_t kMambaState = 16;

const std::vector<std::pair<Rational, std::string>>& positive_decays() {
  static const std::vector<std::pair<Rational, std::string>> d = {
      {Rational(1, 2), "1/2"}, {Rational(9, 10), "9/10"}, {Rational(99, 100), "99/100"}, {Rational(1023, 1024), "1-2^-10"}};
  return d;
}

ProofReport run(const ProofOptions& opt) {
  const bool full = opt.grid == Grid::full;
  const std::size_t diagonal_seeds = full ? 16 : 4, sign_seeds = full ? 8 : 2, sign_length = full ? 1024 : 256, mamba_layers = full ? 64 : 16;
  const std::vector<std::size_t> sizes = {1, 2, 4, 8, 16};
  const std::vector<std::size_t> near_miss = {3, 6, 9, 12};
  ProofReport report{"s1", "", to_string(opt.grid), "", opt.seed, {}};
  report.scope = "every input of every length where the automaton closes (cap " + std::to_string(kStateCap) + " states); " +
                 std::to_string(diagonal_seeds) + " random diagonal layers and near misses right below k ones, k in {3, 6, 9, 12}; positive decays a in {1/2, 9/10, 99/100, 1-2^-10}; sign changes for n in " +
                 "{1, 2, 4, 8, 16}, " + std::to_string(sign_seeds) + " layers each and the tight construction, T = 1.." + std::to_string(sign_length) +
                 "; Mamba parity for delta in {1, 8, 16, 64}; " + std::to_string(mamba_layers) + " random Mamba-range layers with n = " +
                 std::to_string(kMambaState);
  std::vector<std::function<CheckResult()>> jobs;
  for (const arith::Precision& prec : opt.precisions) {
    jobs.push_back([&, prec] { return certificate(s1::kParity, tasks::parity_negative(), prec, false, opt.semantics); });
    jobs.push_back([&, prec] { return certificate(s1::kMod3, tasks::mod3_householder(), prec, false, opt.semantics); });
    for (std::size_t s = 0; s < diagonal_seeds; ++s)
      jobs.push_back([&, prec, s] { return certificate(s1::kDiagonal, tasks::mod3_diagonal(opt.seed + s), prec, true, opt.semantics); });
    for (std::size_t k : near_miss)
      jobs.push_back([&, prec, k] { return certificate(s1::kDiagonal, tasks::mod3_diagonal_near_miss(k), prec, true, opt.semantics); });
    for (const auto& [decay, name] : positive_decays())
      jobs.push_back([&, prec, decay, name] { return fixed_point(tasks::parity_positive(decay, Rational(1), Rational(1, 2)), name, prec, opt.semantics); });
    for (long delta : mamba_deltas()) jobs.push_back([&, prec, delta] { return mamba_parity(Rational(delta), prec, opt.semantics); });
    for (std::size_t s = 0; s < mamba_layers; ++s)
      jobs.push_back([&, prec, s] { return mamba_fixed_point(tasks::draw_mamba_decay_layer(kMambaState, opt.seed + s), prec, opt.semantics); });
  }
  for (std::size_t n : sizes) jobs.push_back([&, n] { return tight_sign_changes(tasks::alternating_threshold(n), sign_length, opt.semantics); });
  for (std::size_t n : sizes)
    for (std::size_t s = 0; s < sign_seeds; ++s)
      jobs.push_back([&, n, s] { return random_sign_changes(n, opt.seed + 1000 * n + s, sign_length, opt.semantics); });
  report.results = run_jobs("s1", jobs, opt);
  return report;
}

std::vector<std::string> checks() {
  return {s1::kParity, s1::kMod3, s1::kDiagonal, s1::kFixedPoint, s1::kSignChanges, s1::kMambaParity, s1::kMambaFixedPoint, s1::kSignTight};
}

std::vector<Falsifier> falsifiers(const ProofOptions& opt) {
  const models::RoundingSemantics sem = opt.semantics;
  const arith::Precision exact = arith::parse_precision("exact"), fp16 = arith::parse_precision("fp16");
  std::vector<Falsifier> out;
  const Rational nudged = Rational(1) - Rational(1, 1LL << 40);
  for (const arith::Precision& p : {exact, fp16}) {
    out.push_back({s1::kParity, "a(1) = 1 - 2^-40 instead of -1 (" + p.name + ")",
                   [=] { return certificate(s1::kParity, tasks::parity_negative(nudged), p, false, sem); }});
    out.push_back({s1::kMod3, "the two reflections in the other order (" + p.name + ")",
                   [=] { return certificate(s1::kMod3, tasks::mod3_householder(Rational(1), true), p, false, sem); }});
    out.push_back({s1::kMod3, "beta = 1/2 instead of 1 (" + p.name + ")",
                   [=] { return certificate(s1::kMod3, tasks::mod3_householder(Rational(1, 2)), p, false, sem); }});
    out.push_back({s1::kDiagonal, "the Householder layer in place of a diagonal one (" + p.name + ")",
                   [=] { return certificate(s1::kDiagonal, tasks::mod3_householder(), p, true, sem); }});
  }
  out.push_back({s1::kFixedPoint, "a = -1 (the alternating orbit of S1.1; fp16)", [=] {
                   TrackingLayer l = tasks::parity_positive(Rational(-1), Rational(0), Rational(0));
                   l.rnn.h0 = {Rational(1)};
                   return fixed_point(l, "-1", fp16, sem);
                 }});
  // h <- -h/2 + 1 oscillates around its fixed point 2/3: a sign change at every step.
  out.push_back({s1::kSignChanges, "decay -1/2 instead of positive (n = 1, key 1, theta = 2/3)", [=] {
                   return sign_changes("n=1 decay -1/2", {Rational(-1, 2)}, {Rational(1)}, {Rational(1)}, Rational(2, 3), 64, sem);
                 }});
  for (const arith::Precision& p : {exact, fp16})
    out.push_back({s1::kMambaParity, "a = 2 exp(-delta), the shift -1 dropped, delta = 8 (" + p.name + ")",
                   [=] { return mamba_parity(Rational(8), p, sem, true); }});
  out.push_back({s1::kMambaFixedPoint, "decay of entry 1 replaced by -1 (a period-2 orbit; fp16)",
                 [=] { return mamba_fixed_point(tasks::draw_mamba_decay_layer(kMambaState, 1), fp16, sem, true); }});
  out.push_back({s1::kSignTight, "n = 4 with its last decay equal to the first (3 distinct decays)", [=] {
                   TrackingLayer l = tasks::alternating_threshold(4);
                   for (auto& token : l.rnn.tokens) {
                     auto& d = std::get<models::DiagonalFactor<Rational>>(token.factors[0]).d;
                     d[3] = d[0];
                   }
                   return tight_sign_changes(l, 256, sem);
                 }});
  return out;
}

}  // namespace
}  // namespace freelunch::proofs::s1

namespace freelunch::proofs {

ProofEntry module_s1() {
  using namespace s1;  // the module's run, checks and falsifiers above
  return {"s1", "(S1)", "-", "state tracking: parity and mod 3 with negative eigenvalues and reflections",
          "a linear RNN tracks parity with a negative eigenvalue and counts mod 3 with Householder reflections; positive decays "
          "cannot track parity in finite precision (fixed point) and change a threshold's sign at most n times in exact arithmetic",
          run, "exact,mpfr53,fp64,fp32,bf16,fp16,e5m2,e4m3,fix8.8", checks(), falsifiers, s1::statement(), s1::tables, s1::figures};
}

}  // namespace freelunch::proofs
