// T5 (THEORY §3; paper v2 Theorem 5, v1 Theorem 4).
//
// Claim. For an m-local DP (dp(i) depends on dp(i-1..i-m) and s_i), a Mamba layer with state
// O(m) writes the chain of thought at total cost O(mT), like sliding-window attention.
//
// Construction (src/dp/): the interleaved stream s_1, dp(1), s_2, dp(2), ...; every dependency
// lies in the last w = 2m + 1 tokens. mamba-local: one channel per dependency with w slots used
// cyclically, key e_(t mod w), a = 2^-e with a^w <= 1/(4V + 1), query a^-k e_((t-k) mod w): a read
// is off by at most 1/4, which the staircase (mod p) or the read-out (Kadane, robber) removes.
// transformer-window: the softmax COPY heads of T2 over the last w positions. Problems: Kadane
// (m = 1), house robber (m = 2), trib-mod (m = 3, p = 7).
//
// Checks (each takes what it judges as a parameter; the falsifiers below perturb it):
// (1) "CoT = direct solution": mamba-local writes the exact CoT in `exact` on 20 seeded inputs per
//     T (T in {8, 256, 4096}; full grid: {8, 256, 4096, 16384} exactly and 65536 certified with
//     interval128, which encloses the exact model's outputs); transformer-window in MPFR,
//     certified by intervals where the size allows; the general models (mamba-general exactly,
//     transformer in MPFR) on the same problems for T in {8, 64, 256} (full: {8, 64, 256, 1024}).
//     Fails with the first wrong token: a dependency head omitted, f wrong in one entry, a decay
//     too slow for the window (a^w > 1/(4V + 1)).
// (2) "cost against T", for T in {2^k : k = 6..16} and all four models: executed by the evaluator
//     (and the count-only mode checked against it) where affordable, counted by structure
//     beyond; slopes about 1 for the local ones, about 2 for mamba-general and the full
//     Transformer on the same problems. Fails for a claimed slope of 2 for mamba-local.
// (3) "largest T with a correct CoT": per model, problem and arithmetic, the largest T in
//     {1, 2, 4, ...} up to a cap with a correct CoT, for the local models here and the general
//     ones on halfindex-mod and LIS (table dp-precision.tex). A measurement, except where THEORY
//     predicts (predicted_correct_up_to): every Mamba construction right in exact, and mamba-local
//     on trib-mod right at fp16 (and wider formats) for every T tried. Fails for a wrong
//     prediction (Kadane's values grow with T, so mamba-local on Kadane cannot stay right at
//     fp16: its precision must grow like log T); the softmax baselines need about 2 log2 T
//     significand bits.
#include <functional>
#include <string>
#include <vector>

#include "core/instances.hpp"
#include "core/proof.hpp"
#include "output/theorem_module.hpp"
#include "t5_report.hpp"
#include "dp/checks.hpp"

namespace freelunch::proofs::t5 {
namespace {

using dp::ModelKind;
using dp::Problem;
using dp::ProblemKind;
constexpr std::size_t kInputs = dp::kInputsPerLength;

ProofReport run(const ProofOptions& opt) {
  const bool full = opt.grid == Grid::full;
  const std::vector<Problem> local{Problem(ProblemKind::kadane), Problem(ProblemKind::robber), Problem(ProblemKind::trib_mod, 7)};
  const std::vector<Problem> general{Problem(ProblemKind::halfindex_mod, 7), Problem(ProblemKind::lis)};
  const std::vector<std::size_t> exact_lengths = full ? std::vector<std::size_t>{8, 256, 4096, 16384} : std::vector<std::size_t>{8, 256, 4096};
  const std::vector<std::size_t> certified_lengths = full ? std::vector<std::size_t>{65536} : std::vector<std::size_t>{};
  const std::vector<std::size_t> window_lengths = full ? std::vector<std::size_t>{8, 256, 4096, 65536} : std::vector<std::size_t>{8, 256, 4096};
  const std::size_t window_certify_up_to = full ? 4096 : 256;
  const std::size_t local_cap = 65536, general_cap = full ? 4096 : 1024, exact_local_cap = full ? 16384 : 4096;
  const std::vector<std::size_t> cost_lengths = dp::cost_lengths();

  const std::vector<std::size_t> general_lengths = full ? std::vector<std::size_t>{8, 64, 256, 1024} : std::vector<std::size_t>{8, 64, 256};
  const std::size_t general_certify_up_to = full ? 256 : 64;

  ProofReport report{"t5", "", to_string(opt.grid), "", opt.seed, {}};
  std::vector<std::size_t> window_certified;
  for (std::size_t t : window_lengths)
    if (t <= window_certify_up_to) window_certified.push_back(t);
  report.scope = "Kadane, robber, trib-mod (p = 7), " + std::to_string(kInputs) + " inputs per T; mamba-local exact for T in " +
                 dp::length_set(exact_lengths) + (full ? " and certified for T in {65536}" : "") + "; transformer-window in MPFR for T in " +
                 dp::length_set(window_lengths) + " (certified for T in " + dp::length_set(window_certified) + "); mamba-general (exact) and transformer (MPFR) for T in " +
                 dp::length_set(general_lengths) + "; costs for T in " +
                 dp::length_set(cost_lengths) + "; precision searched over T in " + dp::length_set(dp::powers_of_two_up_to(local_cap)) +
                 " (exact: " + dp::length_set(dp::powers_of_two_up_to(exact_local_cap)) + ", general models: " +
                 dp::length_set(dp::powers_of_two_up_to(general_cap)) + ") up to the first T not right";

  std::vector<std::function<CheckResult()>> jobs;
  const arith::Precision exact = arith::parse_precision("exact"), interval = arith::parse_precision("interval128");
  for (const Problem& p : local) {
    for (std::size_t t : exact_lengths)
      jobs.push_back([&, t] { return dp::check_cot(p, ModelKind::mamba_local, t, kInputs, opt.seed, exact, opt.semantics); });
    for (std::size_t t : certified_lengths)
      jobs.push_back([&, t] { return dp::check_cot(p, ModelKind::mamba_local, t, kInputs, opt.seed, interval, opt.semantics); });
    for (auto& job : dp::softmax_cot_jobs(p, ModelKind::transformer_window, window_lengths, window_certify_up_to, kInputs, opt.seed,
                                          opt.semantics))
      jobs.push_back(std::move(job));
  }
  // The general models apply to local problems too: they write the same CoT, at quadratic cost.
  for (const Problem& p : local) {
    for (std::size_t t : general_lengths)
      jobs.push_back([&, t] { return dp::check_cot(p, ModelKind::mamba_general, t, kInputs, opt.seed, exact, opt.semantics); });
    for (auto& job : dp::softmax_cot_jobs(p, ModelKind::transformer, general_lengths, general_certify_up_to, kInputs, opt.seed, opt.semantics))
      jobs.push_back(std::move(job));
  }
  for (const Problem& p : local)
    for (ModelKind kind : dp::all_model_kinds()) {
      const double expected = kind == ModelKind::mamba_local || kind == ModelKind::transformer_window ? 1.0 : 2.0;
      jobs.push_back([&, kind, expected] { return dp::cost_series(p, kind, cost_lengths, expected, opt.seed, dp::executed_cost_cap(kind)); });
    }
  // Precision: local models on the local problems, general models on the general problems.
  auto search = [&](const Problem& p, ModelKind kind, const arith::Precision& prec) {
    const bool quadratic = kind == ModelKind::mamba_general || kind == ModelKind::transformer;
    const bool is_exact = std::holds_alternative<arith::ExactSpec>(prec.spec);
    const std::size_t cap = quadratic ? general_cap : (is_exact ? exact_local_cap : local_cap);
    jobs.push_back([&, kind, prec, cap] {
      return dp::largest_correct_length(p, kind, cap, opt.seed, prec, opt.semantics, dp::predicted_correct_up_to(p, kind, prec, cap));
    });
  };
  for (const arith::Precision& prec : opt.precisions) {
    for (const Problem& p : general) {
      search(p, ModelKind::mamba_general, prec);
      if (dp::applies(ModelKind::transformer, p)) search(p, ModelKind::transformer, prec);
    }
    for (const Problem& p : local) {
      search(p, ModelKind::mamba_local, prec);
      search(p, ModelKind::transformer_window, prec);
    }
  }

  report.results = run_jobs("t5", jobs, opt);
  return report;
}

// The checks that give verdicts (see ProofEntry::checks).
std::vector<std::string> checks() { return {dp::kCotCheck, dp::kCostCheck, dp::kLargestCheck}; }

// f wrong in the one entry that step `step` of seeded input 0 uses (its dependencies' values in
// the order of Problem::dependencies), off by one (down at the top of the value range).
dp::WrongEntry wrong_entry_at(const Problem& p, std::size_t length, std::size_t step, std::uint64_t seed) {
  const std::vector<long> input = p.random_input(length, dp::input_seed(seed, length, 0));
  const std::vector<long> table = p.solve(input);
  dp::WrongEntry e;
  for (const dp::Dependency& d : p.dependencies(step)) {
    if (d.kind == dp::Dependency::Kind::input) e.at.push_back(input[static_cast<std::size_t>(d.index - 1)]);
    else e.at.push_back(d.index <= 0 ? 0 : table[static_cast<std::size_t>(d.index - 1)]);
  }
  e.delta = table[step - 1] >= p.value_bound(length) ? -1 : 1;
  return e;
}

// The perturbed constructions and claims the checks above must reject, on small T (quick).
std::vector<Falsifier> falsifiers(const ProofOptions& opt) {
  const Problem kadane(ProblemKind::kadane), robber(ProblemKind::robber), trib(ProblemKind::trib_mod, 7);
  const arith::Precision exact = arith::parse_precision("exact");
  const std::uint64_t seed = opt.seed;
  const models::RoundingSemantics sem = opt.semantics;
  const std::size_t t = 64;
  std::vector<Falsifier> out;

  dp::Model omitted = dp::make_model(ModelKind::mamba_local, trib, t);
  omitted.omitted_head = 2;
  out.push_back({dp::kCotCheck, "mamba-local without the dp(i-3) head (f reads 0 for it), trib-mod, T=64 exact",
                 [=] { return dp::check_cot(trib, omitted, t, 5, seed, exact, sem); }});
  dp::Model entry = dp::make_model(ModelKind::mamba_local, robber, t);
  entry.wrong_entry = wrong_entry_at(robber, t, 30, seed);
  out.push_back({dp::kCotCheck, "mamba-local's f wrong in one entry (the one dp(30) of input 1 uses), robber, T=64 exact",
                 [=] { return dp::check_cot(robber, entry, t, 5, seed, exact, sem); }});
  dp::Model slow = dp::make_model(ModelKind::mamba_local, kadane, t);
  const long genuine_decay = slow.decay_log2;
  slow.decay_log2 = -1;
  out.push_back({dp::kCotCheck, "mamba-local decay a = 2^-1 instead of 2^" + std::to_string(genuine_decay) +
                                    " (a^w = 1/8 > 1/(4V + 1)), Kadane, T=64 exact",
                 [=] { return dp::check_cot(kadane, slow, t, 5, seed, exact, sem); }});
  const std::size_t ts = 16;
  dp::Model window = dp::make_model(ModelKind::transformer_window, trib, ts);
  window.wrong_entry = wrong_entry_at(trib, ts, 12, seed);
  const arith::Precision mpfr = arith::parse_precision("mpfr" + std::to_string(dp::softmax_precision_bits(ts)));
  out.push_back({dp::kCotCheck, "transformer-window's f wrong in one entry (the one dp(12) of input 1 uses), trib-mod, T=16 " + mpfr.name,
                 [=] { return dp::check_cot(trib, window, ts, 5, seed, mpfr, sem); }});

  out.push_back({dp::kCostCheck, "claimed slope 2 for mamba-local (linear), trib-mod, T in {2^k : k = 6..10}", [=] {
                   return dp::cost_series(trib, ModelKind::mamba_local, {64, 128, 256, 512, 1024}, 2.0, seed, 1024);
                 }});
  const arith::Precision fp16 = arith::parse_precision("fp16");
  out.push_back({dp::kLargestCheck, "predicted: mamba-local right at fp16 on Kadane for every T up to 4096 (its values pass 2048)",
                 [=] { return dp::largest_correct_length(kadane, ModelKind::mamba_local, 4096, seed, fp16, sem, 4096); }});
  return out;
}

}  // namespace
}  // namespace freelunch::proofs::t5

namespace freelunch::proofs {

ProofEntry module_t5() {
  using namespace t5;  // the module's run, checks and falsifiers above
  ProofEntry e;
  e.id = "t5";
  e.v2 = "Thm 5";
  e.v1 = "Thm 4";
  e.title = "m-local DP with CoT: Mamba state O(m), total cost O(mT)";
  e.claim = "DP with m-locality: Mamba with state O(m), total cost O(mT), like efficient Transformers";
  e.run = run;
  e.default_precisions = "exact,fp64,fp32,bf16,fp16,e4m3";
  e.checks = checks();
  e.falsifiers = falsifiers;
  e.statement = t5::statement();
  e.tables = t5::tables;
  e.figures = t5::figures;
  return e;
}

}  // namespace freelunch::proofs
