// L1 (THEORY §1.2; a lemma in both paper versions).
//
// Claim. Mamba's selective scan is masked linear attention: unrolling
//   h_t = a_t ⊙ h_{t-1} + b_t u_t,  y_t = c_t · h_t
// gives y = M u with M lower triangular, M_ij = Σ_s c_i[s] (Π_{k=j+1..i} a_k[s]) b_j[s]; for every
// split r the block M[r+1..N, 1..r] factors through the n-dimensional state, so its rank is at
// most n (M is n-semiseparable); with a scalar decay, M_ij = α_ij (c_i · b_j) (the SSD form).
//
// Construction. Random rational parameters from a fixed seed: decays k/m in (0, 1), keys and
// queries in [-2, 2] with denominators up to 5 (one dyadic family exercises the dyadic exact
// path), per-state and scalar decays, N in {8, 32, 64} (quick) or {8, 32, 64, 128, 256} (full),
// n in {1, 2, 4, 8, 16}; integer inputs in [-4, 4].
//
// Checks, in exact arithmetic, each computing one thing two ways by the model code every
// arithmetic uses, and what makes each fail (its falsifiers, below, do exactly that):
// (1) "recurrence = matrix form": selective_scan's output against M u, M built by
//     sequence_matrix (a different loop: decay products carried down each column), entry by entry.
//     Fails when the two forms see different parameters: the falsifier nudges one decay by 2^-40
//     in the matrix form only.
// (2) "block rank <= n": the exact rank of every block M[r+1..N, 1..r] against the claimed n.
//     Fails when M is not n-semiseparable (falsifier: one entry of M moved by 1, which lifts the
//     rank-n middle blocks to n + 1) or when the claim is too small (falsifier: claim n - 1 where
//     the profile reaches n).
// (3) "block rank = min(n, r, N-r)": the bound of (2) is attained, as it is for generic
//     parameters. Fails on a degenerate instance (falsifier: key b_1 = 0, so the block at r = 1
//     has rank 0, not 1).
// (4) "SSD form = per-state form" (scalar decay): sequence_matrix_ssd (α_ij (c_i · b_j)) against
//     sequence_matrix with the decay repeated on every state entry. Fails when the decays differ
//     (falsifier: one decay of the SSD form nudged by 2^-40).
// (5) "enclosure of the exact output" (intervalP): the recurrence and the matrix form evaluated in
//     intervals must both enclose the exact output of (1). Fails when a value lies outside
//     (falsifier: the exact reference moved by 2^-40 at one step, far outside 128-bit widths).
// In each rounded arithmetic the recurrence and the matrix form round in different orders: the
// largest deviation between them, and from the exact output, is reported as a number
// ("measured", no verdict, so no falsifier).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/deviation.hpp"
#include "core/instances.hpp"
#include "core/proof.hpp"
#include "output/theorem_module.hpp"
#include "linalg/rank.hpp"
#include "models/random_params.hpp"
#include "models/sequence_matrix.hpp"
#include "output/result_tables.hpp"

namespace freelunch::proofs::l1 {
namespace {

using models::DecayKind;
using models::RoundingSemantics;

constexpr const char* kRecurrence = "recurrence = matrix form";
constexpr const char* kRankBound = "block rank <= n";
constexpr const char* kGeneric = "block rank = min(n, r, N-r)";
constexpr const char* kSsd = "SSD form = per-state form";
constexpr const char* kEnclosure = "enclosure of the exact output";

struct Instance {
  std::size_t length, state;
  DecayKind kind;
  bool dyadic;
  std::uint64_t seed;

  std::string name() const {
    return "N=" + std::to_string(length) + " n=" + std::to_string(state) + " " +
           (kind == DecayKind::scalar ? "scalar" : "per-state") + (dyadic ? " dyadic" : "");
  }
};

std::vector<Instance> grid_instances(Grid grid, std::uint64_t seed) {
  std::vector<Instance> out;
  const std::vector<std::size_t> lengths = grid == Grid::full ? std::vector<std::size_t>{8, 32, 64, 128, 256}
                                                              : std::vector<std::size_t>{8, 32, 64};
  for (std::size_t length : lengths)
    for (std::size_t state : {1, 2, 4, 8, 16})
      for (DecayKind kind : {DecayKind::per_state, DecayKind::scalar})
        out.push_back({length, state, kind, false, seed * 1000003 + out.size()});
  for (DecayKind kind : {DecayKind::per_state, DecayKind::scalar})
    out.push_back({64, 4, kind, true, seed * 1000003 + out.size()});
  return out;
}

// What the exact checks read. The genuine case uses the drawn parameters everywhere; a falsifier
// changes one part (the matrix form's or the SSD form's decays, one entry of M, the claimed n, a
// key of the construction itself), and the same checks must reject it.
struct ExactCase {
  models::ScanParams<Rational> recurrence;   // selective_scan runs on these
  models::ScanParams<Rational> matrix_form;  // sequence_matrix builds M from these
  models::ScanParams<Rational> ssd_form;     // sequence_matrix_ssd builds from these (scalar decay)
  std::vector<Rational> input;
  std::size_t claimed_state;     // the n of checks (2) and (3)
  Rational added_to_corner = 0;  // added to M_N1 once M is built (0: M as computed)
};

ExactCase draw(const Instance& inst) {
  Rng rng(inst.seed);
  const models::ScanParams<Rational> p = models::random_scan_params(rng, inst.length, inst.state, inst.kind, inst.dyadic);
  ExactCase c{p, p, p, {}, inst.state, Rational(0)};
  for (std::size_t t = 0; t < inst.length; ++t) c.input.push_back(Rational(rng.uniform(-4, 4)));
  return c;
}

CheckResult result(const Instance& inst, std::string check, std::string precision, const RoundingSemantics& sem,
                   Verdict verdict, std::string detail) {
  return {std::move(check), inst.name(), std::move(precision), sem.to_string(), verdict, std::move(detail), {}};
}

// Check (2): rank <= n for every split.
CheckResult rank_bound(const std::vector<long>& profile, std::size_t state) {
  for (std::size_t r = 0; r < profile.size(); ++r)
    if (profile[r] > static_cast<long>(state))
      return {kRankBound, "", "", "", Verdict::fails,
              "rank " + std::to_string(profile[r]) + " > n = " + std::to_string(state) + " at r=" + std::to_string(r + 1), {}};
  const long top = profile.empty() ? 0 : *std::max_element(profile.begin(), profile.end());
  return {kRankBound, "", "", "", Verdict::verified,
          "max block rank " + std::to_string(top) + " over " + std::to_string(profile.size()) + " splits", {{"max_rank", top}}};
}

// Check (3): rank = min(n, r, N - r) for generic parameters.
CheckResult generic_profile(const std::vector<long>& profile, std::size_t state) {
  const long length = static_cast<long>(profile.size()) + 1;
  for (long r = 1; r < length; ++r) {
    const long expected = std::min({static_cast<long>(state), r, length - r});
    if (profile[r - 1] != expected)
      return {kGeneric, "", "", "", Verdict::fails,
              "rank " + std::to_string(profile[r - 1]) + " != " + std::to_string(expected) + " at r=" + std::to_string(r), {}};
  }
  return {kGeneric, "", "", "", Verdict::verified, "all " + std::to_string(length - 1) + " splits", {}};
}

// The exact checks (1)-(4) of one case; exact_output receives the recurrence's output.
std::vector<CheckResult> exact_checks(const Instance& inst, const ExactCase& c, const RoundingSemantics& sem,
                                      std::vector<Rational>& exact_output) {
  return arith::run_exact([&](const auto& ar) {
    using V = typename std::decay_t<decltype(ar)>::value_type;
    const std::string precision = "exact";
    std::vector<CheckResult> out;
    std::vector<V> u;
    for (const Rational& q : c.input) u.push_back(ar.from_rational(q));
    const std::vector<V> y = models::selective_scan(ar, models::to_arithmetic(ar, c.recurrence, sem), std::span<const V>(u), sem);
    linalg::Matrix<V> m = models::sequence_matrix(ar, models::to_arithmetic(ar, c.matrix_form, sem), sem);
    if (c.added_to_corner != 0) m(m.rows() - 1, 0) = ar.from_rational(ar.to_rational(m(m.rows() - 1, 0)) + c.added_to_corner);
    const std::vector<V> ym = models::apply_lower(ar, m, std::span<const V>(u), sem);
    exact_output = exact_values(ar, std::span<const V>(y));

    const Deviation dev = deviation(ar, std::span<const V>(ym), std::span<const Rational>(exact_output));
    out.push_back(result(inst, kRecurrence, precision, sem, dev.exact() ? Verdict::verified : Verdict::fails,
                         dev.exact() ? "all " + std::to_string(inst.length) + " outputs equal"
                                     : "first difference at t=" + std::to_string(*dev.first_nonzero + 1)));

    const std::vector<long> profile = linalg::semiseparable_rank_profile(m.map([&](const V& x) { return ar.to_rational(x); }));
    out.push_back(rank_bound(profile, c.claimed_state));
    out.push_back(generic_profile(profile, c.claimed_state));
    for (std::size_t k = out.size() - 2; k < out.size(); ++k) {
      out[k].instance = inst.name();
      out[k].precision = precision;
      out[k].semantics = sem.to_string();
    }

    if (inst.kind == DecayKind::scalar) {
      const auto ssd = models::sequence_matrix_ssd(ar, models::to_arithmetic(ar, c.ssd_form, sem), sem);
      const auto per_state = models::sequence_matrix(ar, models::to_arithmetic(ar, models::with_per_state_decays(c.recurrence), sem), sem);
      const auto first = linalg::first_difference(ssd, per_state);
      out.push_back(result(inst, kSsd, precision, sem, first ? Verdict::fails : Verdict::verified,
                           first ? "first difference at (" + std::to_string(first->first + 1) + "," + std::to_string(first->second + 1) + ")"
                                 : "all entries equal"));
    }
    for (CheckResult& r : out) r.data["exact_path"] = ar.path();
    return out;
  });
}

// Finite arithmetics: deviations as numbers; intervals: check (5), enclosure of `reference` (the
// exact output of check (1), or a falsifier's shifted copy).
CheckResult finite_check(const Instance& inst, const ExactCase& c, const arith::Precision& prec,
                         const RoundingSemantics& sem, const std::vector<Rational>& reference) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    using V = typename A::value_type;
    const auto p = models::to_arithmetic(ar, c.recurrence, sem);
    std::vector<V> u;
    for (const Rational& q : c.input) u.push_back(ar.from_rational(models::through_storage(q, sem)));
    const std::vector<V> y = models::selective_scan(ar, p, std::span<const V>(u), sem);
    const std::vector<V> ym = models::apply_lower(ar, models::sequence_matrix(ar, p, sem), std::span<const V>(u), sem);
    if constexpr (arith::PointArithmetic<A>) {
      if (A::is_exact) return result(inst, "recurrence vs matrix form", ar.name(), sem, Verdict::not_applicable, "exact: see the exact checks");
      const Deviation between = deviation_between(ar, std::span<const V>(y), std::span<const V>(ym));
      const Deviation from_exact = deviation(ar, std::span<const V>(y), std::span<const Rational>(reference));
      CheckResult r = result(inst, "recurrence vs matrix form", ar.name(), sem, Verdict::measured,
                             "max |rec - mat| " + between.describe() + "; max |rec - exact| " + from_exact.describe() +
                                 "; flags " + ar.flags().to_string());
      r.data = {{"rec_vs_mat", between.describe()}, {"rec_vs_exact", from_exact.describe()}, {"flags", ar.flags().to_string()}};
      r.magnitude = from_exact.first_nonfinite || between.first_nonfinite
                        ? HUGE_VAL
                        : std::max(static_cast<double>(between.max_abs), static_cast<double>(from_exact.max_abs));
      return r;
    } else {
      // Containment of a rational in an interval is decided exactly by the endpoints: no undecided case.
      for (std::size_t t = 0; t < y.size(); ++t)
        if (!ar.contains(y[t], reference[t]) || !ar.contains(ym[t], reference[t]))
          return result(inst, kEnclosure, ar.name(), sem, Verdict::fails, "exact y_" + std::to_string(t + 1) + " not enclosed");
      double width = 0;
      for (const V& v : y) width = std::max(width, ar.width(v));
      char buffer[48];
      std::snprintf(buffer, sizeof buffer, "%.3g", width);
      return result(inst, kEnclosure, ar.name(), sem, Verdict::verified,
                    "recurrence and matrix form enclose all outputs; max width " + std::string(buffer));
    }
  });
}

ProofReport run(const ProofOptions& opt) {
  ProofReport report{"l1", "", to_string(opt.grid), "", opt.seed, {}};
  report.scope = std::string("N in {") + (opt.grid == Grid::full ? "8, 32, 64, 128, 256" : "8, 32, 64") +
                 "}, n in {1, 2, 4, 8, 16}, per-state and scalar decay, and N = 64, n = 4 dyadic";
  const std::vector<Instance> instances = grid_instances(opt.grid, opt.seed);
  report.results = run_instances(
      "l1", instances.size(),
      [&](std::size_t i) {
        const ExactCase c = draw(instances[i]);
        std::vector<Rational> exact_output;
        std::vector<CheckResult> out = exact_checks(instances[i], c, opt.semantics, exact_output);
        for (const arith::Precision& prec : opt.precisions)
          if (prec.name != "exact") out.push_back(finite_check(instances[i], c, prec, opt.semantics, exact_output));
        return out;
      },
      opt);
  return report;
}

// The checks that give verdicts (see ProofEntry::checks).
std::vector<std::string> checks() { return {kRecurrence, kRankBound, kGeneric, kSsd, kEnclosure}; }

// One exact check of a perturbed case: the result of `check` among the exact checks.
CheckResult exact_check_of(const std::string& check, const Instance& inst, const ExactCase& c, const RoundingSemantics& sem) {
  std::vector<Rational> exact_output;
  for (CheckResult& r : exact_checks(inst, c, sem, exact_output))
    if (r.check == check) return r;
  return {check, inst.name(), "exact", sem.to_string(), Verdict::not_applicable, "the check did not run on this case", {}};
}

// The perturbed constructions and claims the checks above must reject, on N = 32, n = 4 (the
// middle blocks have rank exactly n there, so a rank claim of n - 1 or one moved entry shows).
std::vector<Falsifier> falsifiers(const ProofOptions& opt) {
  const RoundingSemantics sem = opt.semantics;
  const Instance per_state{32, 4, DecayKind::per_state, false, opt.seed * 1000003 + 7919};
  const Instance scalar{32, 4, DecayKind::scalar, false, opt.seed * 1000003 + 7927};
  const Rational nudge = pow2(-40);
  auto exact = [sem](std::string check, std::string perturbation, Instance inst, std::function<void(ExactCase&)> perturb) {
    return Falsifier{check, perturbation + " (" + inst.name() + ")", [=] {
                       ExactCase c = draw(inst);
                       perturb(c);
                       return exact_check_of(check, inst, c, sem);
                     }};
  };
  std::vector<Falsifier> out;
  out.push_back(exact(kRecurrence, "decay a_17[1] nudged by 2^-40 in the matrix form only", per_state,
                      [nudge](ExactCase& c) { c.matrix_form.a[16 * c.matrix_form.state] += nudge; }));
  out.push_back(exact(kRankBound, "claimed n - 1 = 3 where the generic profile reaches 4", per_state,
                      [](ExactCase& c) { c.claimed_state -= 1; }));
  out.push_back(exact(kRankBound, "M_N1 moved by 1 (M no longer factors through the state)", per_state,
                      [](ExactCase& c) { c.added_to_corner = Rational(1); }));
  out.push_back(exact(kGeneric, "degenerate instance: key b_1 = 0", per_state, [](ExactCase& c) {
    for (models::ScanParams<Rational>* p : {&c.recurrence, &c.matrix_form, &c.ssd_form})
      for (std::size_t s = 0; s < p->state; ++s) p->b[s] = 0;
  }));
  out.push_back(exact(kSsd, "decay a_17 nudged by 2^-40 in the SSD form only", scalar,
                      [nudge](ExactCase& c) { c.ssd_form.a[16] += nudge; }));

  // Check (5) in the first interval arithmetic of the run (interval128 when there is none).
  arith::Precision interval = arith::parse_precision("interval128");
  for (const arith::Precision& p : opt.precisions)
    if (std::holds_alternative<arith::IntervalSpec>(p.spec)) {
      interval = p;
      break;
    }
  out.push_back({kEnclosure, "exact y_20 moved by 2^-40 in the reference (" + per_state.name() + ", " + interval.name + ")", [=] {
                   const ExactCase c = draw(per_state);
                   std::vector<Rational> reference;
                   exact_checks(per_state, c, sem, reference);
                   reference[19] += nudge;
                   return finite_check(per_state, c, interval, sem, reference);
                 }});
  return out;
}

// The report's statement: THEORY's checkable form.
std::string statement() {
  return R"(Unrolling the selective scan $h_t = a_t \odot h_{t-1} + b_t u_t$, $y_t = c_t \cdot h_t$ with $h_0 = 0$ gives $y = Mu$ with
$M_{ij} = \sum_s c_i[s] \bigl(\prod_{k=j+1}^{i} a_k[s]\bigr) b_j[s]$ for $j \le i$. For every split $r$ the block
$M[r+1..N, 1..r]$ factors through the state, so its rank is at most $n$: $M$ is $n$-semiseparable. With a scalar decay per
step (Mamba-2/SSD) $M_{ij} = \alpha_{ij} (c_i \cdot b_j)$ with $\alpha_{ij} = \prod_{k=j+1}^{i} a_k$.
\emph{Checked:} the recurrence equals the matrix form exactly; every block has exact rank $\le n$, and $= \min(n, r, N-r)$ for
generic parameters; the SSD form equals the per-state form when the decays coincide. In finite arithmetics the deviation
between recurrence and matrix form (two orders of rounding) is reported as a number, not as a verdict.)";
}

// Two pivot tables of the results: the exact checks per instance, and the finite arithmetics.
std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>&) {
  return {{"l1.tex", output::pivot_table(report, output::PivotBy::check, "l1-exact",
                                         "L1: exact checks of the selective scan's matrix form (verdicts per instance).", {"exact"})},
          {"l1-deviation.tex", output::pivot_table(report, output::PivotBy::precision, "l1-deviation",
                                                   "L1: recurrence vs matrix form in finite arithmetics (largest deviation; intervals: enclosure).", {})}};
}

}  // namespace
}  // namespace freelunch::proofs::l1

namespace freelunch::proofs {

ProofEntry module_l1() {
  using namespace l1;  // the module's run, checks and falsifiers above
  return {"l1", "(lemma)", "(lemma)", "selective scan = masked linear attention; M is n-semiseparable",
      "Mamba's selective scan is masked linear attention; its sequence matrix is n-semiseparable",
      run, "exact,mpfr113,interval128,fp64,fp32,bf16,fp16,e5m2,e4m3,fix16.16", checks(), falsifiers, statement(), tables, {}};
}

}  // namespace freelunch::proofs
