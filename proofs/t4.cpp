// T4 (THEORY §3; paper v2 Theorem 4, v1 Theorem 3).
//
// Claim. With chain of thought, a Mamba layer solves a DP with arbitrary dependencies, but needs
// state O(T) and total cost O(T^2), like a Transformer.
//
// Construction (src/dp/): the stream [s_1..s_T][dp(1)..dp(T)]; at the position before dp(i), one
// COPY head per dependency fetches dp(i-1), dp(⌊i/2⌋) and s_i, a ReLU network applies
// f = (x + y + s) mod p (inputs rounded by the staircase), and the read-out turns the output into
// the next token. mamba-general: one-hot slot per stream position (n = 2T + 1), a = 1/2, the
// balanced compensation of T3 (exact COPY). transformer: one softmax head per dependency, the T2
// construction over the stream. A second problem, LIS, aggregates: one channel holds every token
// and its whole state is read into a ReLU max network (per-step cost O(T)).
//
// Checks. (1) Correctness: mamba-general writes the exact CoT in `exact` on 20 seeded inputs for
// each T (up to 1024), for halfindex-mod (p = 7) and LIS; the transformer does in MPFR at the
// precision the result names, certified by intervals on the smaller T. (2) Lower bound: the
// exact rank of the block of the copy schedule pos(i) = ⌊i/2⌋ at r = T/2 is about T/4, so any
// position-only layer needs n = Ω(T) (L1: every block has rank <= n). (3) Cost, counted by the
// evaluator for T = 2^6..2^16: log-log slopes of the total about 2 for both models.
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
  const Problem halfindex(ProblemKind::halfindex_mod, 7), lis(ProblemKind::lis);
  const std::vector<std::size_t> mamba_lengths{8, 64, 256, 1024};
  const std::vector<std::size_t> softmax_lengths = full ? std::vector<std::size_t>{8, 64, 256, 1024} : std::vector<std::size_t>{8, 64, 256};
  const std::size_t certify_up_to = full ? 256 : 64;
  const std::vector<std::size_t> rank_lengths = full ? std::vector<std::size_t>{64, 256, 1024, 4096} : std::vector<std::size_t>{64, 256, 1024};

  ProofReport report{"t4", "", to_string(opt.grid), "", opt.seed, {}, {}};
  report.scope = "halfindex-mod (p = 7) and LIS, " + std::to_string(kInputs) + " inputs per T; mamba-general exact for T up to 1024, "
                 "transformer in MPFR for T up to " + std::to_string(softmax_lengths.back()) + " (certified up to " +
                 std::to_string(certify_up_to) + "); costs counted for T = 2^6..2^16";

  std::vector<std::function<CheckResult()>> jobs;
  const arith::Precision exact = arith::parse_precision("exact");
  for (const Problem* p : {&halfindex, &lis})
    for (std::size_t t : mamba_lengths)
      jobs.push_back([&, p, t] { return dp::check_cot(*p, ModelKind::mamba_general, t, kInputs, opt.seed, exact, opt.semantics); });
  for (auto& job : dp::softmax_cot_jobs(halfindex, ModelKind::transformer, softmax_lengths, certify_up_to, kInputs, opt.seed, opt.semantics))
    jobs.push_back(std::move(job));
  for (std::size_t t : rank_lengths) jobs.push_back([t] { return dp::halfindex_rank_bound(t); });
  jobs.push_back([&] { return dp::cost_series(halfindex, ModelKind::mamba_general, dp::cost_lengths(), 2.0, opt.seed); });
  jobs.push_back([&] { return dp::cost_series(halfindex, ModelKind::transformer, dp::cost_lengths(), 2.0, opt.seed); });
  jobs.push_back([&] { return dp::cost_series(lis, ModelKind::mamba_general, dp::cost_lengths(), 2.0, opt.seed); });

  report.results = run_jobs("t4", jobs, opt);
  report.tables.push_back({"t4-cost.tex", output::dp_cost_table(report, "t4")});
  return report;
}

// The checks that give verdicts (see ProofEntry::checks).
std::vector<std::string> checks() { return {}; }

// The perturbed constructions and claims the checks above must reject.
std::vector<Falsifier> falsifiers(const ProofOptions&) { return {}; }

}  // namespace

ProofEntry module_t4() {
  return {"t4", "Thm 4", "Thm 3", "general DP with CoT: Mamba state O(T), total cost O(T^2)",
      "arbitrary DP with CoT: Mamba needs state O(T), total cost O(T^2), like a Transformer",
      run, "exact", checks(), falsifiers};
}

}  // namespace freelunch::proofs
