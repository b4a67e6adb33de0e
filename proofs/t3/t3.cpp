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
// Checks.
// (1) t3::kBlock, in `exact`, for L in the grid's set: the layer the scan
//     evaluates (SlotCopyLayer::dense(), the same parameters every arithmetic runs, or the same
//     entries as sparse()) is judged by running the exact model (tasks/exact_copy_check.hpp): for
//     N = 2L <= 128 the output rows of the sequence matrix are formed exactly and compared with the
//     copy pattern (verified); above, Freivalds: the exact scan on 2 random inputs with entries
//     from a set of size 2^32 (verified (randomized), P(wrong) <= 2^-64, printed), run on the
//     layer's nonzero entries (models/sparse_scan.hpp: the same recurrence with the scalar decay
//     factored out, O(N) instead of O(N n); at L = 16384 the dense layer would hold 5.4e8
//     numbers). By linearity either is exact COPY for all inputs.
//     It fails, with the first wrong output, when the layer does not copy: the falsifiers give it
//     a compensation exponent off by one, a decay nudged by 2^-40, a state one slot short.
// (2) In each rounded arithmetic, the largest L at which the rounded layer still decodes every ±1
//     input (search by doubling, bisection, confirmation of every L up to a limit), beside the
//     magnitude bound of T1a for one-hot keys: query split a^-L <= β_max, balanced a^-L <= β_max^2.
//     A measurement (the table), not a verdict: decoded COPY tolerates errors below 1/2, so the
//     bound for exact COPY is no theorem about it.
// (3) Cost, counted by the evaluator's counters while it runs the dense scan: L numbers of state
//     per channel and 3L multiply-adds per step, the size of a Transformer's KV cache.
#include <cmath>
#include <string>
#include <vector>

#include "core/deviation.hpp"
#include "core/instances.hpp"
#include "core/proof.hpp"
#include "output/theorem_module.hpp"
#include "t3_report.hpp"
#include "models/counters.hpp"
#include "models/selective_scan.hpp"
#include "tasks/exact_copy_check.hpp"
#include "tasks/magnitude_bound.hpp"
#include "tasks/slot_copy.hpp"
#include "tasks/slot_copy_eval.hpp"
#include "tasks/slot_copy_search.hpp"

namespace freelunch::proofs::t3 {
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

constexpr std::size_t kMatrixUpTo = 128;  // N = 2L: the matrix up to L = 64, Freivalds above
constexpr unsigned kFreivaldsTrials = 2;

// (1) on the layer `params` (the construction's parameters, or a falsifier's perturbation).
CheckResult exact_block(const std::string& instance, const models::SparseScalarScan& params, const tasks::CopySchedule& schedule,
                        std::uint64_t seed, const models::RoundingSemantics& sem, nlohmann::json data) {
  const auto j = params.length <= kMatrixUpTo ? tasks::judge_exact_copy_matrix(params.dense(), schedule, sem)
                                              : tasks::judge_exact_copy_freivalds(params, schedule, kFreivaldsTrials, seed, sem);
  const Verdict v = !j.holds ? Verdict::fails : j.method == tasks::ExactCopyMethod::matrix ? Verdict::verified : Verdict::verified_randomized;
  data["method"] = j.method == tasks::ExactCopyMethod::matrix ? "matrix" : "freivalds";
  data["exact_path"] = j.path;
  if (j.method == tasks::ExactCopyMethod::freivalds) {
    data["trials"] = j.trials;
    data["log2_error_probability"] = j.log2_error_probability;
  }
  data["first_failure"] = j.first_failure ? nlohmann::json(*j.first_failure) : nlohmann::json(nullptr);
  return {t3::kBlock, instance, "exact", sem.to_string(), v, j.describe(schedule), data};
}

CheckResult exact_block(const Config& c, std::size_t length, std::uint64_t seed, const models::RoundingSemantics& sem) {
  const tasks::SlotCopyLayer layer(tasks::full_copy_schedule(length), c.decay, c.split);
  std::string instance = c.name() + " L=" + std::to_string(length);
  CheckResult r = exact_block(instance, layer.sparse(), layer.schedule(), seed + length, sem,
                              {{"L", length}, {"decay", c.decay.str()}, {"split", tasks::to_string(c.split)}});
  if (c.split == Compensation::idealized && r.verdict != Verdict::fails) r.detail += " (idealized a = 1: not realizable with A < 0 < Delta)";
  return r;
}

CheckResult largest_length(const Config& c, const arith::Precision& prec, std::size_t cap, std::size_t confirm,
                           const models::RoundingSemantics& sem) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    if constexpr (A::is_exact) {
      return {t3::kLargest, c.name(), ar.name(), sem.to_string(), Verdict::not_applicable,
              "exact: decided by running the model on the grid's set (copy block = copy pattern)", {{"decay", c.decay.str()}, {"split", tasks::to_string(c.split)}}};
    } else {
      const auto s = tasks::largest_copying(ar, tasks::full_copy_schedule, c.decay, c.split, tasks::plus_minus_one(), cap, confirm, sem);
      std::string detail = s.search.describe() + "; every L <= " + std::to_string(s.search.confirmed_up_to) + " evaluated";
      if (s.failure) detail += "; fails at L = " + std::to_string(s.search.largest ? *s.search.largest + 1 : 1) + ": " + s.failure_cause();
      nlohmann::json data = {{"largest", s.search.largest ? nlohmann::json(*s.search.largest) : nlohmann::json(nullptr)},
                             {"reached_cap", s.search.reached_cap}, {"cap", cap}, {"confirmed_up_to", s.search.confirmed_up_to},
                             {"certified", A::is_certified}, {"cause", s.failure_cause()},
                             {"decay", c.decay.str()}, {"split", tasks::to_string(c.split)}};
      if (c.decay < 1)
        if (const auto bound = tasks::magnitude_bound(prec, 1, c.decay, sem)) {
          data.update(bound->to_json());
          detail += "; bound " + bound->describe();
        }
      return {t3::kLargest, c.name(), ar.name(), sem.to_string(), Verdict::measured, detail, data};
    }
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
  CheckResult r{t3::kCost, "L=" + std::to_string(length), "exact", sem.to_string(), Verdict::measured,
                "state " + std::to_string(counters.peak_state_numbers) + " numbers, " + std::to_string(per_step) + " multiply-adds per step",
                {{"L", length}, {"state_numbers", counters.peak_state_numbers}, {"mul_adds_per_step", per_step}}};
  r.magnitude = static_cast<double>(per_step);
  return r;
}

ProofReport run(const ProofOptions& opt) {
  const bool full = opt.grid == Grid::full;
  const std::vector<std::size_t> exact_lengths = full ? std::vector<std::size_t>{8, 64, 256, 1024, 2048, 16384}
                                                      : std::vector<std::size_t>{8, 64, 256, 512};
  const std::size_t cap = full ? 65536 : 4096, confirm = full ? 4096 : 1024;
  ProofReport report{"t3", "", to_string(opt.grid), "", opt.seed, {}};
  std::string set;
  for (std::size_t l : exact_lengths) set += (set.empty() ? "" : ", ") + std::to_string(l);
  report.scope = "full copy; exact COPY decided by running the model for L in {" + set + "}; thresholds searched up to L = " +
                 std::to_string(cap) + " (every L <= " + std::to_string(confirm) + " and the doubling and bisection points above)";

  // Jobs: exact blocks, then one threshold search per (config, arithmetic), then costs.
  std::vector<std::function<CheckResult()>> jobs;
  for (const Config& c : configs())
    for (std::size_t length : exact_lengths) jobs.push_back([&, c, length] { return exact_block(c, length, opt.seed, opt.semantics); });
  for (const Config& c : configs())
    for (const arith::Precision& prec : opt.precisions)
      if (!std::holds_alternative<arith::ExactSpec>(prec.spec))  // exact: decided by check (1) on the grid's set
        jobs.push_back([&, c, prec] { return largest_length(c, prec, cap, confirm, opt.semantics); });
  for (std::size_t length : {8, 16, 32, 64}) jobs.push_back([&, length] { return cost(length, opt.semantics); });

  report.results = run_jobs("t3", jobs, opt);
  return report;
}

// The checks that give verdicts (see ProofEntry::checks).
std::vector<std::string> checks() { return {t3::kBlock}; }

// The construction's dense layer with one change, judged by the same check.
Falsifier perturbed_block(const Config& c, std::size_t length, std::string perturbation,
                          std::function<void(models::ScanParams<Rational>&, const tasks::CopySchedule&)> perturb, std::uint64_t seed,
                          const models::RoundingSemantics& sem) {
  return {t3::kBlock, perturbation + " (" + c.name() + ", L = " + std::to_string(length) + ")", [=] {
            const tasks::SlotCopyLayer layer(tasks::full_copy_schedule(length), c.decay, c.split);
            models::ScanParams<Rational> p = layer.dense();
            perturb(p, layer.schedule());
            return exact_block(c.name() + " L=" + std::to_string(length) + " perturbed", models::SparseScalarScan::from_dense(p),
                               layer.schedule(), seed, sem, {{"L", length}});
          }};
}

// The perturbed constructions the check above must reject, by the matrix (L = 8) and by
// Freivalds (L = 256).
std::vector<Falsifier> falsifiers(const ProofOptions& opt) {
  std::vector<Falsifier> out;
  const Config half{Rational(1, 2), Compensation::balanced}, tenth{Rational(9, 10), Compensation::query}, ideal{Rational(1), Compensation::idealized};
  for (std::size_t length : {std::size_t{8}, std::size_t{256}}) {
    // The query of the last output carries a^-(e-1) instead of a^-e.
    auto exponent_off = [](models::ScanParams<Rational>& p, const tasks::CopySchedule& s) {
      const std::size_t t = s.outputs.back();
      for (std::size_t k = 0; k < p.state; ++k)
        if (p.c[t * p.state + k] != 0) p.c[t * p.state + k] *= p.a[t];
    };
    auto decay_nudged = [](models::ScanParams<Rational>& p, const tasks::CopySchedule&) {
      for (Rational& a : p.a) a -= Rational(1, 1LL << 40);
    };
    out.push_back(perturbed_block(half, length, "compensation exponent of the last output off by one", exponent_off, opt.seed, opt.semantics));
    out.push_back(perturbed_block(tenth, length, "compensation exponent of the last output off by one", exponent_off, opt.seed, opt.semantics));
    out.push_back(perturbed_block(half, length, "decay nudged by 2^-40 at every step", decay_nudged, opt.seed, opt.semantics));
    out.push_back(perturbed_block(ideal, length, "decay nudged by 2^-40 at every step", decay_nudged, opt.seed, opt.semantics));
    out.push_back({t3::kBlock, "state one slot short (n = L - 1; " + half.name() + ", L = " + std::to_string(length) + ")",
                   [length, seed = opt.seed, sem = opt.semantics, half] {
                     const tasks::SlotCopyLayer layer(tasks::full_copy_schedule(length), half.decay, half.split, length - 1);
                     return exact_block("n=L-1 L=" + std::to_string(length), layer.sparse(), layer.schedule(), seed, sem,
                                        {{"L", length}, {"n", length - 1}});
                   }});
  }
  return out;
}

}  // namespace
}  // namespace freelunch::proofs::t3

namespace freelunch::proofs {

ProofEntry module_t3() {
  using namespace t3;  // the module's run, checks and falsifiers above
  return {"t3", "Thm 3", "Thm 2", "Mamba with state linear in the length copies exactly",
      "Mamba whose state grows linearly with the length performs COPY exactly",
      run, "exact,mpfr53,fp64,fp32,bf16,fp16,e5m2,e4m3,fix16.16,fix8.8", checks(), falsifiers, t3::statement(), t3::tables, t3::figures};
}

}  // namespace freelunch::proofs
