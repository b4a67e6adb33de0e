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
// path), per-state and scalar decays, N up to 64 (quick) or 256 (full), n in {1, 2, 4, 8, 16};
// integer inputs in [-4, 4].
//
// Checks, in exact arithmetic: (1) recurrence output = matrix-form output M u, entry by entry;
// (2) every block M[r+1..N, 1..r] has exact rank <= n; (3) that rank equals min(n, r, N - r), as
// it does for generic parameters; (4) with a scalar decay, the SSD form equals the per-state form
// with the decay repeated on every state entry. In each finite arithmetic the recurrence and the
// matrix form round in different orders: the largest deviation between them, and from the exact
// output, is reported as a number ("measured"); interval runs must enclose the exact output.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/deviation.hpp"
#include "core/instances.hpp"
#include "core/proof.hpp"
#include "linalg/rank.hpp"
#include "models/random_params.hpp"
#include "models/sequence_matrix.hpp"
#include "output/result_tables.hpp"

namespace freelunch::proofs {
namespace {

using models::DecayKind;
using models::RoundingSemantics;

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

struct InstanceData {
  models::ScanParams<Rational> params;
  std::vector<Rational> input;
};

InstanceData draw(const Instance& inst) {
  Rng rng(inst.seed);
  InstanceData d{models::random_scan_params(rng, inst.length, inst.state, inst.kind, inst.dyadic), {}};
  for (std::size_t t = 0; t < inst.length; ++t) d.input.push_back(Rational(rng.uniform(-4, 4)));
  return d;
}

CheckResult result(const Instance& inst, std::string check, std::string precision, const RoundingSemantics& sem,
                   Verdict verdict, std::string detail) {
  return {std::move(check), inst.name(), std::move(precision), sem.to_string(), verdict, std::move(detail), {}};
}

// Check (2): rank <= n for every split.
CheckResult rank_bound(const std::vector<long>& profile, std::size_t state) {
  for (std::size_t r = 0; r < profile.size(); ++r)
    if (profile[r] > static_cast<long>(state))
      return {"block rank <= n", "", "", "", Verdict::fails,
              "rank " + std::to_string(profile[r]) + " > n at r=" + std::to_string(r + 1), {}};
  const long top = profile.empty() ? 0 : *std::max_element(profile.begin(), profile.end());
  return {"block rank <= n", "", "", "", Verdict::verified,
          "max block rank " + std::to_string(top) + " over " + std::to_string(profile.size()) + " splits", {{"max_rank", top}}};
}

// Check (3): rank = min(n, r, N - r) for generic parameters.
CheckResult generic_profile(const std::vector<long>& profile, std::size_t state) {
  const long length = static_cast<long>(profile.size()) + 1;
  for (long r = 1; r < length; ++r) {
    const long expected = std::min({static_cast<long>(state), r, length - r});
    if (profile[r - 1] != expected)
      return {"block rank = min(n, r, N-r)", "", "", "", Verdict::fails,
              "rank " + std::to_string(profile[r - 1]) + " != " + std::to_string(expected) + " at r=" + std::to_string(r), {}};
  }
  return {"block rank = min(n, r, N-r)", "", "", "", Verdict::verified, "all " + std::to_string(length - 1) + " splits", {}};
}

// The four exact checks of one instance.
std::vector<CheckResult> exact_checks(const Instance& inst, const InstanceData& d, const RoundingSemantics& sem,
                                      std::vector<Rational>& exact_output) {
  return arith::run_exact([&](const auto& ar) {
    using V = typename std::decay_t<decltype(ar)>::value_type;
    const std::string precision = "exact";
    std::vector<CheckResult> out;
    const auto p = models::to_arithmetic(ar, d.params, sem);
    std::vector<V> u;
    for (const Rational& q : d.input) u.push_back(ar.from_rational(q));
    const std::vector<V> y = models::selective_scan(ar, p, std::span<const V>(u), sem);
    const auto m = models::sequence_matrix(ar, p, sem);
    const std::vector<V> ym = models::apply_lower(ar, m, std::span<const V>(u), sem);
    exact_output = exact_values(ar, std::span<const V>(y));

    const Deviation dev = deviation(ar, std::span<const V>(ym), std::span<const Rational>(exact_output));
    out.push_back(result(inst, "recurrence = matrix form", precision, sem, dev.exact() ? Verdict::verified : Verdict::fails,
                         dev.exact() ? "all " + std::to_string(inst.length) + " outputs equal"
                                     : "first difference at t=" + std::to_string(*dev.first_nonzero + 1)));

    const std::vector<long> profile = linalg::semiseparable_rank_profile(m.map([&](const V& x) { return ar.to_rational(x); }));
    out.push_back(rank_bound(profile, inst.state));
    out.push_back(generic_profile(profile, inst.state));
    for (std::size_t k = out.size() - 2; k < out.size(); ++k) {
      out[k].instance = inst.name();
      out[k].precision = precision;
      out[k].semantics = sem.to_string();
    }
    for (CheckResult& r : out) r.data["exact_path"] = ar.path();

    if (inst.kind == DecayKind::scalar) {
      const auto ssd = models::sequence_matrix_ssd(ar, p, sem);
      const auto per_state = models::sequence_matrix(ar, models::with_per_state_decays(p), sem);
      const auto first = linalg::first_difference(ssd, per_state);
      out.push_back(result(inst, "SSD form = per-state form", precision, sem, first ? Verdict::fails : Verdict::verified,
                           first ? "first difference at (" + std::to_string(first->first + 1) + "," + std::to_string(first->second + 1) + ")"
                                 : "all entries equal"));
      out.back().data["exact_path"] = ar.path();
    }
    return out;
  });
}

// Finite arithmetics: deviations as numbers; intervals: enclosure of the exact output.
CheckResult finite_check(const Instance& inst, const InstanceData& d, const arith::Precision& prec,
                         const RoundingSemantics& sem, const std::vector<Rational>& exact_output) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    using V = typename A::value_type;
    const auto p = models::to_arithmetic(ar, d.params, sem);
    std::vector<V> u;
    for (const Rational& q : d.input) u.push_back(ar.from_rational(models::through_storage(q, sem)));
    const std::vector<V> y = models::selective_scan(ar, p, std::span<const V>(u), sem);
    const std::vector<V> ym = models::apply_lower(ar, models::sequence_matrix(ar, p, sem), std::span<const V>(u), sem);
    if constexpr (arith::PointArithmetic<A>) {
      if (A::is_exact) return result(inst, "recurrence vs matrix form", ar.name(), sem, Verdict::not_applicable, "exact: see the exact checks");
      const Deviation between = deviation_between(ar, std::span<const V>(y), std::span<const V>(ym));
      const Deviation from_exact = deviation(ar, std::span<const V>(y), std::span<const Rational>(exact_output));
      CheckResult r = result(inst, "recurrence vs matrix form", ar.name(), sem, Verdict::measured,
                             "max |rec - mat| " + between.describe() + "; max |rec - exact| " + from_exact.describe() +
                                 "; flags " + ar.flags().to_string());
      r.data = {{"rec_vs_mat", between.describe()}, {"rec_vs_exact", from_exact.describe()}, {"flags", ar.flags().to_string()}};
      r.magnitude = from_exact.first_nonfinite || between.first_nonfinite
                        ? HUGE_VAL
                        : std::max(static_cast<double>(between.max_abs), static_cast<double>(from_exact.max_abs));
      return r;
    } else {
      for (std::size_t t = 0; t < y.size(); ++t)
        if (!ar.contains(y[t], exact_output[t]) || !ar.contains(ym[t], exact_output[t]))
          return result(inst, "enclosure of the exact output", ar.name(), sem, Verdict::fails,
                        "exact y_" + std::to_string(t + 1) + " not enclosed");
      double width = 0;
      for (const V& v : y) width = std::max(width, ar.width(v));
      char buffer[48];
      std::snprintf(buffer, sizeof buffer, "%.3g", width);
      return result(inst, "enclosure of the exact output", ar.name(), sem, Verdict::verified,
                    "recurrence and matrix form enclose all outputs; max width " + std::string(buffer));
    }
  });
}

ProofReport run(const ProofOptions& opt) {
  ProofReport report{"l1", "", to_string(opt.grid), "", opt.seed, {}, {}};
  report.scope = std::string("N in {") + (opt.grid == Grid::full ? "8, 32, 64, 128, 256" : "8, 32, 64") +
                 "}, n in {1, 2, 4, 8, 16}, per-state and scalar decay";
  const std::vector<Instance> instances = grid_instances(opt.grid, opt.seed);
  report.results = run_instances(
      "l1", instances.size(),
      [&](std::size_t i) {
        const InstanceData d = draw(instances[i]);
        std::vector<Rational> exact_output;
        std::vector<CheckResult> out = exact_checks(instances[i], d, opt.semantics, exact_output);
        for (const arith::Precision& prec : opt.precisions)
          if (prec.name != "exact") out.push_back(finite_check(instances[i], d, prec, opt.semantics, exact_output));
        return out;
      },
      opt);
  report.tables.push_back({"l1.tex", output::pivot_table(report, output::PivotBy::check, "l1-exact",
      "L1: exact checks of the selective scan's matrix form (verdicts per instance).", {"exact"})});
  report.tables.push_back({"l1-deviation.tex", output::pivot_table(report, output::PivotBy::precision, "l1-deviation",
      "L1: recurrence vs matrix form in finite arithmetics (largest deviation; intervals: enclosure).", {})});
  return report;
}

// The checks that give verdicts (see ProofEntry::checks).
std::vector<std::string> checks() { return {}; }

// The perturbed constructions and claims the checks above must reject.
std::vector<Falsifier> falsifiers(const ProofOptions&) { return {}; }

}  // namespace

ProofEntry module_l1() {
  return {"l1", "(lemma)", "(lemma)", "selective scan = masked linear attention; M is n-semiseparable",
      "Mamba's selective scan is masked linear attention; its sequence matrix is n-semiseparable",
      run, "exact,mpfr113,interval128,fp64,fp32,bf16,fp16,e5m2,e4m3,fix16.16", checks(), falsifiers};
}

}  // namespace freelunch::proofs
