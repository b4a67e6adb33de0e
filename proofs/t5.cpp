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
// Checks. (1) Correctness: mamba-local writes the exact CoT in `exact` on 20 seeded inputs per T
// (full grid: T = 2^14 exactly and 2^16 certified with interval128, which encloses the exact
// model's outputs); transformer-window in MPFR, certified by intervals where the size allows; the
// general models (mamba-general exactly, transformer in MPFR) on the same problems for T up to
// 256 (full: 1024).
// (2) Cost, counted for T = 2^6..2^16 for all four models: slopes about 1 for the local ones,
// about 2 for mamba-general and the full Transformer on the same problems. (3) Precision: per
// model, problem and arithmetic, the largest T (powers of two) with a correct CoT, for the local
// models here and the general ones on halfindex-mod and LIS (table dp-precision.tex). THEORY
// predicts: mamba-local on trib-mod right at fp16 for every T; Kadane's values grow with T, so its
// precision must grow like log T; the softmax baselines need about 2 log2 T significand bits.
#include <functional>
#include <string>
#include <vector>

#include "core/instances.hpp"
#include "core/proof.hpp"
#include "dp/checks.hpp"
#include "output/dp_tables.hpp"

namespace freelunch::proofs {
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

  ProofReport report{"t5", "", to_string(opt.grid), "", opt.seed, {}, {}};
  report.scope = "Kadane, robber, trib-mod (p = 7), " + std::to_string(kInputs) + " inputs per T; mamba-local exact for T up to " +
                 std::to_string(exact_lengths.back()) + (full ? " and certified at 65536" : "") +
                 "; costs counted for T = 2^6..2^16; precision searched over powers of two up to " + std::to_string(local_cap) +
                 " (exact: " + std::to_string(exact_local_cap) + ", general models: " + std::to_string(general_cap) + ")";

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
  const std::vector<std::size_t> general_lengths = full ? std::vector<std::size_t>{8, 64, 256, 1024} : std::vector<std::size_t>{8, 64, 256};
  for (const Problem& p : local) {
    for (std::size_t t : general_lengths)
      jobs.push_back([&, t] { return dp::check_cot(p, ModelKind::mamba_general, t, kInputs, opt.seed, exact, opt.semantics); });
    for (auto& job : dp::softmax_cot_jobs(p, ModelKind::transformer, general_lengths, full ? 256 : 64, kInputs, opt.seed, opt.semantics))
      jobs.push_back(std::move(job));
  }
  for (const Problem& p : local)
    for (ModelKind kind : dp::all_model_kinds()) {
      const double expected = kind == ModelKind::mamba_local || kind == ModelKind::transformer_window ? 1.0 : 2.0;
      jobs.push_back([&, kind, expected] { return dp::cost_series(p, kind, cost_lengths, expected, opt.seed); });
    }
  // Precision: local models on the local problems, general models on the general problems.
  auto search = [&](const Problem& p, ModelKind kind, const arith::Precision& prec) {
    const bool quadratic = kind == ModelKind::mamba_general || kind == ModelKind::transformer;
    const bool is_exact = std::holds_alternative<arith::ExactSpec>(prec.spec);
    const std::size_t cap = quadratic ? general_cap : (is_exact ? exact_local_cap : local_cap);
    jobs.push_back([&, kind, prec, cap] { return dp::largest_correct_length(p, kind, cap, opt.seed, prec, opt.semantics); });
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
  report.tables.push_back({"t5-cost.tex", output::dp_cost_table(report, "t5")});
  report.tables.push_back({"dp-precision.tex", output::dp_precision_table(report, opt.precisions)});
  return report;
}

// The checks that give verdicts (see ProofEntry::checks).
std::vector<std::string> checks() { return {}; }

// The perturbed constructions and claims the checks above must reject.
std::vector<Falsifier> falsifiers(const ProofOptions&) { return {}; }

}  // namespace

ProofEntry module_t5() {
  return {"t5", "Thm 5", "Thm 4", "m-local DP with CoT: Mamba state O(m), total cost O(mT)",
      "DP with m-locality: Mamba with state O(m), total cost O(mT), like efficient Transformers",
      run, "exact,fp64,fp32,bf16,fp16,e4m3", checks(), falsifiers};
}

}  // namespace freelunch::proofs
