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
// Checks (each takes what it judges as a parameter; the falsifiers below perturb it):
// (1) "CoT = direct solution": mamba-general writes the exact CoT in `exact` on 20 seeded inputs
//     for each T in {8, 64, 256, 1024}, for halfindex-mod (p = 7) and LIS; the transformer does
//     in MPFR at the precision the result names, certified by intervals on the smaller T. Fails
//     with the first wrong token: f wrong in one entry, the dp(⌊i/2⌋) head omitted.
// (2) "rank of the dp(floor(i/2)) block": the exact rank (FLINT) of the copy block of the
//     schedule pos(i) = ⌊i/2⌋ at the split after dp(⌊T/2⌋), built from what the model reads,
//     against the bound ⌈⌊T/2⌋/2⌉ (= T/4; derived in src/dp/checks.cpp): by L1 every
//     position-only layer needs state n >= the rank. Fails when the claimed bound is one above.
// (3) "state below the rank: wrong CoT": the bound on the layer itself. mamba-general whose
//     dp(⌊i/2⌋) head is a position-only slot layer of state ⌈⌊T/2⌋/2⌉ - 1 (entries reused as
//     sources stop being read) writes a wrong CoT on some seeded input (the witness). Fails when
//     the state is enough (the slot layer's own need, one or two above the rank).
// (4) "cost against T": counted for T in {2^k : k = 6..16}, executed by the evaluator (and the
//     count-only mode checked against it) where affordable, counted by structure beyond; log-log
//     slopes of the total about 2 for both models. Fails for a claimed slope of 1.
// (5) "largest T with a correct CoT", per arithmetic other than exact (below).
//
// --precision. T4's claims are decided in exact arithmetic (mamba-general) and in MPFR and
// intervals at the precision each T needs (the transformer, whose exp is not rational): those
// checks (1) run when `exact` is in the list (the default list is "exact"). Every other arithmetic
// in the list runs the precision search (5) for mamba-general on halfindex-mod and LIS and the
// transformer on halfindex-mod (table t4-precision.tex): the largest T in {1, 2, 4, ...} at which
// the construction still writes the correct CoT there, a measurement. (2) to (4) do not depend on
// the arithmetic and run always.
#include <algorithm>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "core/instances.hpp"
#include "core/proof.hpp"
#include "output/theorem_module.hpp"
#include "t4_report.hpp"
#include "dp/checks.hpp"

namespace freelunch::proofs::t4 {
namespace {

using dp::ModelKind;
using dp::Problem;
using dp::ProblemKind;
constexpr std::size_t kInputs = dp::kInputsPerLength;

bool is_exact(const arith::Precision& p) { return std::holds_alternative<arith::ExactSpec>(p.spec); }

ProofReport run(const ProofOptions& opt) {
  const bool full = opt.grid == Grid::full;
  const Problem halfindex(ProblemKind::halfindex_mod, 7), lis(ProblemKind::lis);
  const std::vector<std::size_t> mamba_lengths{8, 64, 256, 1024};
  const std::vector<std::size_t> softmax_lengths = full ? std::vector<std::size_t>{8, 64, 256, 1024} : std::vector<std::size_t>{8, 64, 256};
  const std::size_t certify_up_to = full ? 256 : 64;
  const std::vector<std::size_t> rank_lengths = full ? std::vector<std::size_t>{64, 256, 1024, 4096} : std::vector<std::size_t>{64, 256, 1024};
  const std::vector<std::size_t> witness_lengths = full ? std::vector<std::size_t>{64, 256, 1024} : std::vector<std::size_t>{64, 256};
  const std::size_t search_cap = full ? 4096 : 1024;
  const bool with_exact = std::any_of(opt.precisions.begin(), opt.precisions.end(), is_exact);
  std::vector<arith::Precision> searched;
  for (const arith::Precision& p : opt.precisions)
    if (!is_exact(p)) searched.push_back(p);
  std::vector<std::size_t> certified_lengths;
  for (std::size_t t : softmax_lengths)
    if (t <= certify_up_to) certified_lengths.push_back(t);

  ProofReport report{"t4", "", to_string(opt.grid), "", opt.seed, {}};
  if (with_exact)
    report.scope = "halfindex-mod (p = 7) and LIS, " + std::to_string(kInputs) + " inputs per T; mamba-general exact for T in " +
                   dp::length_set(mamba_lengths) + ", transformer in MPFR for T in " + dp::length_set(softmax_lengths) +
                   " (certified for T in " + dp::length_set(certified_lengths) + "); ";
  report.scope += "rank bound for T in " + dp::length_set(rank_lengths) + ", witness below it for T in " + dp::length_set(witness_lengths) +
                  "; costs for T in " + dp::length_set(dp::cost_lengths());
  if (!searched.empty()) report.scope += "; precision searched over T in " + dp::length_set(dp::powers_of_two_up_to(search_cap));

  std::vector<std::function<CheckResult()>> jobs;
  const arith::Precision exact = arith::parse_precision("exact");
  if (with_exact) {
    for (const Problem* p : {&halfindex, &lis})
      for (std::size_t t : mamba_lengths)
        jobs.push_back([&, p, t] { return dp::check_cot(*p, ModelKind::mamba_general, t, kInputs, opt.seed, exact, opt.semantics); });
    for (auto& job : dp::softmax_cot_jobs(halfindex, ModelKind::transformer, softmax_lengths, certify_up_to, kInputs, opt.seed, opt.semantics))
      jobs.push_back(std::move(job));
  }
  for (std::size_t t : rank_lengths) jobs.push_back([t] { return dp::halfindex_rank_bound(t, dp::halfindex_rank_claim(t)); });
  for (std::size_t t : witness_lengths) {
    const auto state = static_cast<std::size_t>(dp::halfindex_rank_claim(t) - 1);
    jobs.push_back([&, t, state] { return dp::small_state_witness(t, state, kInputs, opt.seed); });
  }
  for (const auto& [p, kind] : {std::pair{&halfindex, ModelKind::mamba_general}, std::pair{&halfindex, ModelKind::transformer},
                                std::pair{&lis, ModelKind::mamba_general}})
    jobs.push_back([&, p, kind] { return dp::cost_series(*p, kind, dp::cost_lengths(), 2.0, opt.seed, dp::executed_cost_cap(kind)); });
  for (const arith::Precision& prec : searched)
    for (const auto& [p, kind] : {std::pair{&halfindex, ModelKind::mamba_general}, std::pair{&lis, ModelKind::mamba_general},
                                  std::pair{&halfindex, ModelKind::transformer}})
      jobs.push_back([&, p, kind, prec] {
        return dp::largest_correct_length(*p, kind, search_cap, opt.seed, prec, opt.semantics,
                                          dp::predicted_correct_up_to(*p, kind, prec, search_cap));
      });

  report.results = run_jobs("t4", jobs, opt);
  return report;
}

// The checks that give verdicts (see ProofEntry::checks).
std::vector<std::string> checks() { return {dp::kCotCheck, dp::kRankCheck, dp::kWitnessCheck, dp::kCostCheck, dp::kLargestCheck}; }

// f wrong in the one entry that step `step` of seeded input 0 uses: (dp(i-1), dp(⌊i/2⌋), s_i),
// off by one (down when f is p - 1 there, so the wrong value stays a valid token).
dp::WrongEntry wrong_entry_at(const Problem& p, std::size_t length, std::size_t step, std::uint64_t seed) {
  const std::vector<long> input = p.random_input(length, dp::input_seed(seed, length, 0));
  const std::vector<long> dp_table = p.solve(input);
  auto value = [&](long j) { return j <= 0 ? 0L : dp_table[static_cast<std::size_t>(j - 1)]; };
  const long i = static_cast<long>(step);
  return {{value(i - 1), value(i / 2), input[step - 1]}, dp_table[step - 1] == p.modulus() - 1 ? -1 : 1};
}

// The perturbed constructions and claims the checks above must reject, on small T (quick).
std::vector<Falsifier> falsifiers(const ProofOptions& opt) {
  const Problem halfindex(ProblemKind::halfindex_mod, 7);
  const arith::Precision exact = arith::parse_precision("exact");
  const std::uint64_t seed = opt.seed;
  const models::RoundingSemantics sem = opt.semantics;
  const std::size_t t = 64;
  std::vector<Falsifier> out;

  dp::Model entry = dp::make_model(ModelKind::mamba_general, halfindex, t);
  entry.wrong_entry = wrong_entry_at(halfindex, t, 40, seed);
  out.push_back({dp::kCotCheck, "mamba-general's f wrong in one entry (the one dp(40) of input 1 uses), T=64 exact",
                 [=] { return dp::check_cot(halfindex, entry, t, 5, seed, exact, sem); }});
  dp::Model omitted = dp::make_model(ModelKind::mamba_general, halfindex, t);
  omitted.omitted_head = 1;
  out.push_back({dp::kCotCheck, "mamba-general without the dp(floor(i/2)) head (f reads 0 for it), T=64 exact",
                 [=] { return dp::check_cot(halfindex, omitted, t, 5, seed, exact, sem); }});
  const std::size_t ts = 16;
  dp::Model softmax = dp::make_model(ModelKind::transformer, halfindex, ts);
  softmax.wrong_entry = wrong_entry_at(halfindex, ts, 12, seed);
  const arith::Precision mpfr = arith::parse_precision("mpfr" + std::to_string(dp::softmax_precision_bits(ts)));
  out.push_back({dp::kCotCheck, "transformer's f wrong in one entry (the one dp(12) of input 1 uses), T=16 " + mpfr.name,
                 [=] { return dp::check_cot(halfindex, softmax, ts, 5, seed, mpfr, sem); }});

  out.push_back({dp::kRankCheck, "claimed bound one above the true rank: ceil(floor(T/2)/2) + 1 at T=256",
                 [] { return dp::halfindex_rank_bound(256, dp::halfindex_rank_claim(256) + 1); }});
  out.push_back({dp::kWitnessCheck, "state enough for the slot layer (" + std::to_string(dp::halfindex_slots_needed(t)) +
                                        " entries) instead of the rank bound minus one, T=64",
                 [=] { return dp::small_state_witness(t, dp::halfindex_slots_needed(t), 5, seed); }});
  out.push_back({dp::kCostCheck, "claimed slope 1 for mamba-general (quadratic), T in {2^k : k = 6..10}", [=] {
                   return dp::cost_series(halfindex, ModelKind::mamba_general, {64, 128, 256, 512, 1024}, 1.0, seed, 64);
                 }});
  const arith::Precision fp16 = arith::parse_precision("fp16");
  out.push_back({dp::kLargestCheck, "predicted: mamba-general right at fp16 for every T up to 1024 (its keys a^-D overflow fp16)",
                 [=] { return dp::largest_correct_length(halfindex, ModelKind::mamba_general, 1024, seed, fp16, sem, 1024); }});
  return out;
}

}  // namespace
}  // namespace freelunch::proofs::t4

namespace freelunch::proofs {

ProofEntry module_t4() {
  using namespace t4;  // the module's run, checks and falsifiers above
  ProofEntry e;
  e.id = "t4";
  e.v2 = "Thm 4";
  e.v1 = "Thm 3";
  e.title = "general DP with CoT: Mamba state O(T), total cost O(T^2)";
  e.claim = "arbitrary DP with CoT: Mamba needs state O(T), total cost O(T^2), like a Transformer";
  e.run = run;
  e.default_precisions = "exact";
  e.checks = checks();
  e.falsifiers = falsifiers;
  e.statement = t4::statement();
  e.tables = t4::tables;
  e.figures = t4::figures;
  return e;
}

}  // namespace freelunch::proofs
