// T2 (THEORY §2; paper v2 Theorem 2, not in v1).
//
// Claim. A constant-size Transformer performs COPY with logarithmic score growth. Worst case form:
// if the target logit exceeds all L - 1 others by a gap Δ, the target weight is at least
// 1/(1 + (L - 1)e^(-Δ)); it is >= 1 - ε iff Δ >= Δ*(L, ε) = ln((L - 1)(1 - ε)/ε), which grows like
// log L. Construction with constant dimension 3: keys k_j = (1, j, j^2), queries
// q_i = β(-pos(i)^2, 2 pos(i), -1), so g_ij = -β (j - pos(i))^2: integer logits, the target is the
// unique maximum, and the weight outside the target is at most 2e^(-β)/(1 - e^(-β)) whatever L
// is. The logits are of size β L^2, so evaluating them needs about 2 log2 L + c significand bits.
//
// Construction (tasks/softmax_copy.hpp): β = 4, integer values in [-V, V] with V = 3; three
// schedules with N = 2L steps: full copy of L tokens, shift by 1 over N = 2L, reverse of L tokens.
// Inputs: integers uniform in [-3, 3] from the seed, plus, for every checked row, the row's worst
// case (+V at the target, -V at every other input) and its negation. Rows: every row when a
// schedule has at most 512 outputs (L <= 256), otherwise a fixed sample of about 30 (first 8,
// last 8, the 8 hardest, 16 evenly spaced), named in each result.
//
// Checks.
// (1) Threshold, certified in intervalP: for L = 2, 4, ..., 2^20 and ε in {1/2, 10^-3, 10^-9},
//     enclose Δ*, then with all competitors at gap exactly Δ the target weight is >= 1 - ε at
//     Δ = (upper end) + 10^-6 and < 1 - ε at Δ = (lower end) - 10^-6 (rationals outside the
//     enclosure).
// (2) The construction's margin, certified in intervalP: 2V · 2e^(-β)/(1 - e^(-β)) < 1/2, which
//     bounds the copy error of every row for every L in exact real arithmetic.
// (3) In `exact`, the logits computed from the keys and queries equal -β (j - pos(i))^2.
// (4) Decoded COPY, per arithmetic and L = 2, ..., 2^10 (quick) or 2^14 (full): certified in
//     intervalP (for all inputs in [-V, V], by linearity in u). In rounded arithmetics (formats,
//     mpfrP, fixed point) where it holds is a measurement: the largest L of the grid up to which
//     every L copies, and the first failing L with its first failing row.
// (5) The least precision P*(L) in mpfrP, P = 4..64, at which the three inputs of every checked
//     row still decode, for L = 2^4, ..., 2^10 (quick) or 2^14 (full): bisection (rows hardest
//     first, stopping at the first failing row), then every P in [P*, P* + 4] confirmed; and the
//     least-squares slope of P* against log2 L (THEORY predicts about 2).
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/deviation.hpp"
#include "core/instances.hpp"
#include "core/proof.hpp"
#include "tasks/precision_search.hpp"
#include "tasks/softmax_copy.hpp"
#include "tasks/softmax_copy_eval.hpp"
#include "tasks/softmax_copy_table.hpp"
#include "tasks/softmax_threshold.hpp"

namespace freelunch::proofs {
namespace {

using tasks::SoftmaxCopyLayer;

constexpr long kBeta = 4;
constexpr long kBound = 3;                 // values in [-V, V]
constexpr std::size_t kAllRowsUpTo = 512;  // more outputs than this: a row sample
constexpr long kLowestP = 4, kHighestP = 64, kConfirmWindow = 4;

const std::vector<std::string>& schedule_kinds() {
  static const std::vector<std::string> kinds = {"full", "shift", "reverse"};
  return kinds;
}

tasks::CopySchedule schedule(const std::string& kind, std::size_t length) {
  if (kind == "shift") return tasks::shift_schedule(2 * length, 1);
  return tasks::make_schedule(kind, length, 0);
}

std::vector<std::size_t> powers_of_two(unsigned from, unsigned to) {
  std::vector<std::size_t> out;
  for (unsigned e = from; e <= to; ++e) out.push_back(std::size_t{1} << e);
  return out;
}

// One construction instance: the layer, its input from the seed, its checked rows.
struct Instance {
  std::string kind;
  std::size_t length;
  SoftmaxCopyLayer layer;
  std::vector<long> inputs;
  tasks::RowSample rows;

  Instance(const std::string& k, std::size_t l, std::uint64_t seed)
      : kind(k), length(l), layer(schedule(k, l), kBeta), inputs(tasks::random_integer_inputs(layer.schedule(), kBound, seed * 1000003 + l)),
        rows(tasks::sample_rows(layer.schedule(), kAllRowsUpTo)) {}
  nlohmann::json data() const { return {{"schedule", kind}, {"L", length}, {"beta", kBeta}, {"V", kBound}, {"rows", rows.outputs.size()}}; }
};

CheckResult threshold(const arith::Precision& prec, std::uint64_t length, const Rational& eps, const models::RoundingSemantics& sem) {
  const arith::IntervalArith ar(std::get<arith::IntervalSpec>(prec.spec).precision);
  const tasks::ThresholdCertificate c = tasks::certify_gap_threshold(ar, length, eps, Rational(1, 1000000));
  return {"w >= 1-eps just above Delta*, < 1-eps just below", "L=" + std::to_string(length) + " eps=" + eps.str(), ar.name(),
          sem.to_string(), c.verified() ? Verdict::verified : Verdict::fails, c.describe(),
          {{"L", length}, {"eps", eps.str()}, {"lower", c.lower.str()}, {"upper", c.upper.str()}, {"above", c.above.str()},
           {"below", c.below.str()}}};
}

CheckResult margin(const arith::Precision& prec, const models::RoundingSemantics& sem) {
  const arith::IntervalArith ar(std::get<arith::IntervalSpec>(prec.spec).precision);
  const arith::Interval e = ar.exp(ar.from_int(-kBeta));
  const arith::Interval bound = ar.from_int(2 * kBound) * (ar.from_int(2) * e / (ar.from_int(1) - e));
  const bool ok = (bound < ar.from_rational(Rational(1, 2))).is_true();
  return {"2V 2e^-beta/(1-e^-beta) < 1/2 (copy error bound, every L)", "beta=" + std::to_string(kBeta) + " V=" + std::to_string(kBound),
          ar.name(), sem.to_string(), ok ? Verdict::verified : Verdict::fails,
          "bound <= " + short_decimal(ar.upper(bound)) + (ok ? " < 1/2" : ", not certified below 1/2"),
          {{"beta", kBeta}, {"V", kBound}, {"upper", ar.upper(bound).str()}}};
}

CheckResult exact_logits(const Instance& inst, const models::RoundingSemantics& sem) {
  const auto wrong = arith::run_exact(
      [&](const auto& ar) { return tasks::first_wrong_logit(ar, inst.layer, inst.rows.outputs, sem); });
  const std::string detail = wrong ? "output " + std::to_string(wrong->first + 1) + ", step " + std::to_string(wrong->second + 1) + " differs"
                                   : "integer logits, target the unique maximum; " + inst.rows.describe();
  return {"logits = -beta (j - pos)^2", inst.layer.schedule().name, "exact", sem.to_string(), wrong ? Verdict::fails : Verdict::verified,
          detail, inst.data()};
}

CheckResult decoded_copy(const Instance& inst, const arith::Precision& prec, const models::RoundingSemantics& sem) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    if constexpr (arith::TranscendentalArithmetic<A>) {
      const tasks::CopyOutcome o = tasks::evaluate_softmax_copy(ar, inst.layer, inst.inputs, kBound, inst.rows.outputs, sem, !A::is_certified);
      const Verdict pass = A::is_certified ? Verdict::verified : Verdict::holds_numerically;
      const std::string values = "[-" + std::to_string(kBound) + "," + std::to_string(kBound) + "]";
      const std::string scope = A::is_certified ? "; for all inputs in " + values + " (worst cases enclosed), " : "; random input and two worst cases, ";
      CheckResult r{"decoded COPY", inst.layer.schedule().name, ar.name(), sem.to_string(), o.copies() ? pass : Verdict::fails,
                    o.describe() + scope + inst.rows.describe(), inst.data()};
      r.data["copies"] = o.copies();
      r.data["certified"] = A::is_certified;
      return r;
    } else {
      return {"decoded COPY", inst.layer.schedule().name, ar.name(), sem.to_string(), Verdict::not_applicable,
              "softmax needs exp; see the logit check and intervalP", inst.data()};
    }
  });
}

CheckResult least_precision(const Instance& inst, const models::RoundingSemantics& sem) {
  const std::vector<std::size_t> order = tasks::hardest_first(inst.layer.schedule(), inst.rows.outputs);
  std::map<long, tasks::CopyOutcome> outcomes;
  const tasks::PrecisionSearch search = tasks::least_passing_precision(
      [&](long p) {
        const arith::MpfrArith ar(p);
        return outcomes.emplace(p, tasks::evaluate_softmax_copy(ar, inst.layer, inst.inputs, kBound, order, sem, true)).first->second.copies();
      },
      kLowestP, kHighestP, kConfirmWindow);
  std::string detail = "P* = " + search.describe();
  if (search.least && *search.least > kLowestP)  // the failure below P*, at the first failing row, hardest rows first
    detail += "; mpfr" + std::to_string(*search.least - 1) + " " + outcomes.at(*search.least - 1).describe() + " (rows hardest first)";
  detail += "; " + inst.rows.describe();
  CheckResult r{"least precision P* that copies", inst.layer.schedule().name, "mpfr" + std::to_string(kLowestP) + ".." + std::to_string(kHighestP),
                sem.to_string(), search.least ? Verdict::holds_numerically : Verdict::fails, detail, inst.data()};
  r.data["P*"] = search.least ? nlohmann::json(*search.least) : nlohmann::json(nullptr);
  r.data["confirmed_up_to"] = search.confirmed_up_to;
  r.data["evaluations"] = search.evaluated.size();
  return r;
}

// The least-squares slope of P* against log2 L, per schedule, from the search results.
CheckResult slope(const std::string& kind, const std::vector<CheckResult>& results, const models::RoundingSemantics& sem) {
  std::vector<std::pair<Rational, Rational>> points;
  std::string values;
  for (const CheckResult& r : results) {
    if (r.check != "least precision P* that copies" || r.data["schedule"] != kind || r.data["P*"].is_null()) continue;
    const std::size_t length = r.data["L"].get<std::size_t>();
    unsigned log2 = 0;
    while ((std::size_t{1} << (log2 + 1)) <= length) ++log2;
    points.emplace_back(Rational(log2), Rational(r.data["P*"].get<long>()));
    values += (values.empty() ? "" : ", ") + std::to_string(length) + ":" + std::to_string(r.data["P*"].get<long>());
  }
  const auto b = tasks::least_squares_slope(points);
  CheckResult r{"slope of P* against log2 L", kind, "mpfr" + std::to_string(kLowestP) + ".." + std::to_string(kHighestP), sem.to_string(),
                Verdict::measured, (b ? short_decimal(*b < 0 ? Rational(-*b) : *b) : std::string("no fit")) + " bits per doubling of L (L:P* " + values + ")",
                {{"schedule", kind}, {"slope", b ? b->str() : std::string()}, {"points", points.size()}}};
  if (b) {
    if (*b < 0) r.detail = "-" + r.detail;
    r.magnitude = b->convert_to<double>();
  }
  return r;
}

// Rounded arithmetics: where decoded COPY holds is a measurement, not the claim. The per-L results
// of one (arithmetic, schedule) become one: the largest L of the grid up to which every L copies,
// the first failing L with its first failing row, and every L's outcome in the data.
std::vector<CheckResult> largest_copying_lengths(std::vector<CheckResult> results) {
  std::vector<CheckResult> out;
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, std::vector<const CheckResult*>> groups;
  for (const CheckResult& r : results) {
    if (r.check != "decoded COPY" || !r.data.contains("certified") || r.data["certified"].get<bool>()) continue;
    const auto key = std::make_pair(r.precision, r.data["schedule"].get<std::string>());
    if (!groups.count(key)) order.push_back(key);
    groups[key].push_back(&r);
  }
  for (const CheckResult& r : results)
    if (r.check != "decoded COPY" || !r.data.contains("certified") || r.data["certified"].get<bool>()) out.push_back(r);
  for (const auto& key : order) {
    const std::vector<const CheckResult*>& g = groups[key];
    std::optional<std::size_t> largest;
    const CheckResult* first_failure = nullptr;
    bool copies_again = false;
    nlohmann::json per_length = nlohmann::json::array();
    for (const CheckResult* r : g) {
      const std::size_t length = r->data["L"].get<std::size_t>();
      const bool copies = r->data["copies"].get<bool>();
      per_length.push_back({{"L", length}, {"copies", copies}, {"detail", r->detail}});
      if (!copies && !first_failure) first_failure = r;
      else if (copies && !first_failure) largest = length;
      else if (copies) copies_again = true;
    }
    std::string detail = largest ? std::to_string(*largest) : std::string("none");
    if (first_failure) {
      detail += "; fails at L = " + std::to_string(first_failure->data["L"].get<std::size_t>()) + ": " + first_failure->detail;
      if (copies_again) detail += "; copies again at a larger L";
    } else {
      detail += " (every L of the grid copies)";
    }
    CheckResult r{"largest L that copies", key.second, key.first, g.front()->semantics, Verdict::measured, detail,
                  {{"schedule", key.second}, {"largest", largest ? nlohmann::json(*largest) : nlohmann::json(nullptr)},
                   {"per_L", per_length}}};
    r.magnitude = largest ? static_cast<double>(*largest) : 0;
    out.push_back(r);
  }
  return out;
}

ProofReport run(const ProofOptions& opt) {
  const bool full = opt.grid == Grid::full;
  const unsigned top = full ? 14 : 10;
  const std::vector<std::size_t> lengths = powers_of_two(1, top), search_lengths = powers_of_two(4, top);
  ProofReport report{"t2", "", to_string(opt.grid), "", opt.seed, {}, {}};
  report.scope = "threshold L in {2, ..., 2^20}, eps in {1/2, 1e-3, 1e-9}; construction beta=4, V=3, full/shift/reverse, L in {2, ..., 2^" +
                 std::to_string(top) + "}; P* (numerical) for L in {16, ..., 2^" + std::to_string(top) + "}";

  std::vector<Instance> instances;
  for (const std::string& kind : schedule_kinds())
    for (std::size_t length : lengths) instances.emplace_back(kind, length, opt.seed);

  // Jobs: thresholds and margin (intervals), exact logits, decoded COPY per arithmetic, P* searches.
  std::vector<std::function<CheckResult()>> jobs;
  for (const arith::Precision& prec : opt.precisions) {
    if (!std::holds_alternative<arith::IntervalSpec>(prec.spec)) continue;
    for (std::size_t length : powers_of_two(1, 20))
      for (const Rational& eps : {Rational(1, 2), Rational(1, 1000), Rational(1, 1000000000)})
        jobs.push_back([&, prec, length, eps] { return threshold(prec, length, eps, opt.semantics); });
    jobs.push_back([&, prec] { return margin(prec, opt.semantics); });
  }
  for (const arith::Precision& prec : opt.precisions)
    for (const Instance& inst : instances) {
      const Instance* ip = &inst;
      if (std::holds_alternative<arith::ExactSpec>(prec.spec)) jobs.push_back([&, ip] { return exact_logits(*ip, opt.semantics); });
      else jobs.push_back([&, prec, ip] { return decoded_copy(*ip, prec, opt.semantics); });
    }
  for (const Instance& inst : instances) {
    const Instance* ip = &inst;
    if (inst.length >= search_lengths.front()) jobs.push_back([&, ip] { return least_precision(*ip, opt.semantics); });
  }

  report.results = run_jobs("t2", jobs, opt);
  report.results = largest_copying_lengths(std::move(report.results));
  for (const std::string& kind : schedule_kinds()) report.results.push_back(slope(kind, report.results, opt.semantics));
  report.tables.push_back({"t2-precision.tex", tasks::t2_precision_table(report, opt.precisions, schedule_kinds())});
  return report;
}

// The checks that give verdicts (see ProofEntry::checks).
std::vector<std::string> checks() { return {}; }

// The perturbed constructions and claims the checks above must reject.
std::vector<Falsifier> falsifiers(const ProofOptions&) { return {}; }

}  // namespace

ProofEntry module_t2() {
  return {"t2", "Thm 2", "-", "constant-size Transformer copies with logarithmic score growth",
      "a constant-size Transformer performs COPY with logarithmic score growth",
      run, "exact,interval128,fp64,fp32,bf16,fp16,e5m2,e4m3", checks(), falsifiers};
}

}  // namespace freelunch::proofs
