// T3 (THEORY §2; paper v2 Theorem 3, v1 Theorem 2).
//
// Claim. A Mamba layer whose state grows linearly with the length performs COPY exactly: with
// n = L slots, one-hot keys on the input positions and a scalar decay a, the compensation
// a^-(i - pos(i)), split between key and query, makes every output row of the sequence matrix the
// copy pattern.
//
// Construction (tasks/slot_copy.hpp): full copy of L tokens (N = 2L); either a = 1 (idealized:
// not realizable with A < 0 < Δ, marked so) or a in {1/2, 9/10} with the query-only split
// (κ = 0: key 1, query a^-L) or the balanced split (key and query each a^-(L/2)).
//
// Checks. (1) In `exact`, for each listed L, the copy block equals the pattern exactly; by
// linearity this is exact COPY for all inputs. (2) In each arithmetic, the largest L at which the
// rounded layer still decodes every ±1 input (search by doubling, bisection, confirmation), beside
// the magnitude bound of T1a for one-hot keys: query split a^-L <= β_max, balanced a^-L <= β_max^2.
// (3) Cost, measured by the evaluator's counters on the dense scan: L numbers of state per
// channel and 3L multiply-adds per step, the size of a Transformer's KV cache.
#include <cmath>
#include <string>
#include <vector>

#include "core/deviation.hpp"
#include "core/instances.hpp"
#include "core/proof.hpp"
#include "models/counters.hpp"
#include "models/selective_scan.hpp"
#include "tasks/slot_copy.hpp"
#include "tasks/slot_copy_eval.hpp"
#include "tasks/threshold_search.hpp"
#include "output/copy_tables.hpp"

namespace freelunch::proofs {
namespace {

using tasks::Compensation;

struct Config {
  Rational decay;
  Compensation split;
  std::string name() const { return "a=" + decay.str() + " " + tasks::to_string(split); }
};

const std::vector<Config>& configs() {
  static const std::vector<Config> c = {{Rational(1), Compensation::idealized},   {Rational(1, 2), Compensation::query},
                                        {Rational(1, 2), Compensation::balanced}, {Rational(9, 10), Compensation::query},
                                        {Rational(9, 10), Compensation::balanced}};
  return c;
}

CheckResult exact_block(const Config& c, std::size_t length, const models::RoundingSemantics& sem) {
  const tasks::SlotCopyLayer layer(tasks::full_copy_schedule(length), c.decay, c.split);
  const auto first = layer.first_inexact_output();
  CheckResult r{"copy block = copy pattern", c.name() + " L=" + std::to_string(length), "exact", sem.to_string(),
                first ? Verdict::fails : Verdict::verified,
                first ? "row of output " + std::to_string(*first + 1) + " differs"
                      : std::string("exact COPY for all inputs") + (c.split == Compensation::idealized ? " (idealized a = 1)" : ""),
                {{"L", length}, {"decay", c.decay.str()}, {"split", tasks::to_string(c.split)}}};
  return r;
}

CheckResult largest_length(const Config& c, const arith::Precision& prec, std::size_t cap, std::size_t confirm,
                           const models::RoundingSemantics& sem) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    const auto search = tasks::largest_passing(
        [&](std::size_t length) {
          const tasks::SlotCopyLayer layer(tasks::full_copy_schedule(length), c.decay, c.split);
          if constexpr (A::is_exact) return !layer.first_inexact_output().has_value();
          else return tasks::evaluate_slot_copy(ar, layer, tasks::plus_minus_one(), tasks::CopyCriterion{}, sem).copies();
        },
        cap, confirm);
    const Verdict v = A::is_exact || A::is_certified ? Verdict::verified : Verdict::holds_numerically;
    CheckResult r{"largest L that copies", c.name(), ar.name(), sem.to_string(), v, search.describe(),
                  {{"largest", search.largest ? nlohmann::json(*search.largest) : nlohmann::json(nullptr)},
                   {"reached_cap", search.reached_cap}, {"cap", cap}, {"confirmed_up_to", search.confirmed_up_to},
                   {"decay", c.decay.str()}, {"split", tasks::to_string(c.split)}}};
    r.detail += "; every L <= " + std::to_string(search.confirmed_up_to) + " evaluated";
    return r;
  });
}

CheckResult cost(std::size_t length, const models::RoundingSemantics& sem) {
  const tasks::SlotCopyLayer layer(tasks::full_copy_schedule(length), Rational(1, 2), Compensation::query);
  arith::DyadicArith ar;
  const auto p = models::to_arithmetic(ar, layer.dense(), sem);
  std::vector<arith::Dyadic> u(p.length, ar.from_int(1));
  models::Counters counters;
  models::selective_scan(ar, p, std::span<const arith::Dyadic>(u), sem, &counters);
  const std::uint64_t per_step = counters.mul_adds / p.length;
  CheckResult r{"cost per step", "L=" + std::to_string(length), "exact", sem.to_string(), Verdict::measured,
                "state " + std::to_string(counters.peak_state_numbers) + " numbers, " + std::to_string(per_step) + " multiply-adds per step",
                {{"L", length}, {"state_numbers", counters.peak_state_numbers}, {"mul_adds_per_step", per_step}}};
  r.magnitude = static_cast<double>(per_step);
  return r;
}

ProofReport run(const ProofOptions& opt) {
  const bool full = opt.grid == Grid::full;
  const std::vector<std::size_t> exact_lengths = full ? std::vector<std::size_t>{8, 64, 256, 1024, 2048}
                                                      : std::vector<std::size_t>{8, 64, 256, 512};
  const std::size_t cap = full ? 65536 : 4096, confirm = full ? 4096 : 1024;
  ProofReport report{"t3", "", to_string(opt.grid), "", opt.seed, {}, {}};
  report.scope = "full copy, L in {8, ..., " + std::to_string(exact_lengths.back()) + "} exactly, thresholds searched up to L = " +
                 std::to_string(cap);

  // Jobs: exact blocks, then one threshold search per (config, arithmetic), then costs.
  std::vector<std::function<CheckResult()>> jobs;
  for (const Config& c : configs())
    for (std::size_t length : exact_lengths) jobs.push_back([&, c, length] { return exact_block(c, length, opt.semantics); });
  for (const Config& c : configs())
    for (const arith::Precision& prec : opt.precisions)
      jobs.push_back([&, c, prec] { return largest_length(c, prec, cap, confirm, opt.semantics); });
  for (std::size_t length : {8, 16, 32, 64}) jobs.push_back([&, length] { return cost(length, opt.semantics); });

  report.results = run_jobs("t3", jobs, opt);
  report.tables.push_back({"t3-threshold.tex", output::t3_threshold_table(report, opt.precisions)});
  return report;
}

// The checks that give verdicts (see ProofEntry::checks).
std::vector<std::string> checks() { return {}; }

// The perturbed constructions and claims the checks above must reject.
std::vector<Falsifier> falsifiers(const ProofOptions&) { return {}; }

}  // namespace

ProofEntry module_t3() {
  return {"t3", "Thm 3", "Thm 2", "Mamba with state linear in the length copies exactly",
      "Mamba whose state grows linearly with the length performs COPY exactly",
      run, "exact,mpfr53,fp64,fp32,bf16,fp16,e5m2,e4m3,fix16.16,fix8.8", checks(), falsifiers};
}

}  // namespace freelunch::proofs
