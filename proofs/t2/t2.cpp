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
// schedule has at most 512 outputs (L <= 256), otherwise a fixed sample of 30 (first 8, last 8,
// the 8 hardest, 16 evenly spaced). Why a sample and not every row: at L = 1024 the shift schedule
// has 2047 rows of up to 2048 logits each, about 2 million exponentials per arithmetic and per
// evaluation; the P* search evaluates each instance about ten times in mpfrP, which alone would
// take minutes against the quick grid's ten seconds. So the sample stays, and every result and
// table cell that rests on one says so: the instance reads "... sampled (30 of 2047 rows)", the
// detail names the rows, the data carries rows and rows_total, the table marks the L.
//
// Checks, and what makes each fail (its falsifiers, at the end of the file, do exactly that):
// (1) Threshold, certified in intervalP: for L in {2^1, ..., 2^20} (every power of two) and ε in
//     {1/2, 10^-3, 10^-9}, enclose Δ*, then with all competitors at gap exactly Δ claim
//     w >= 1 - ε at Δ = (upper end) + 10^-6 and w < 1 - ε at Δ = (lower end) - 10^-6 (rationals
//     outside the enclosure). Fails when a claim is refuted: success claimed one step (10^-6)
//     below the threshold, or failure claimed one step above it. An enclosure of w that straddles
//     1 - ε gives "undecided", never a pass or a failure.
// (2) The construction's margin, certified in intervalP: 2V · 2e^(-β)/(1 - e^(-β)) < 1/2, which
//     bounds the copy error of every row for every L in exact real arithmetic. Fails for a β too
//     small (β = 1: the bound is about 7).
// (3) In `exact`, the logits computed from the keys and queries by the model's dot product equal
//     the closed form -β (j - pos(i))^2. Fails when a key or query is off (one key entry + 1).
// (4) Decoded COPY, per arithmetic and L in {2^1, ..., 2^10} (quick) or {2^1, ..., 2^14} (full),
//     every power of two: certified in intervalP (for all inputs in [-V, V], by linearity in u),
//     through the one tri-state copy outcome (verdict_of: an enclosure straddling the decoding
//     limit is undecided). Fails for β too small (β = 1) or a query pointing at the wrong position.
//     In rounded arithmetics (formats, mpfrP, fixed point) where it holds is a measurement: the
//     largest L of the grid up to which every L copies, and the first failing L with its first
//     failing row.
// (5) The least precision P*(L) in mpfrP, P in [4, 64], at which the three inputs of every checked
//     row still decode, for L in {2^4, ..., 2^10} (quick) or {2^4, ..., 2^14} (full): bisection
//     (rows hardest first, stopping at the first failing row), then the claim "P* is least" is
//     checked against the evaluations: every P in [P*, P* + 4] copies and P* - 1 fails (unless
//     P* = 4). Fails when nothing up to 64 copies, or for a wrong claim (P* - 1: it does not copy;
//     P* + 1: P* copies too). A numerical verdict: mpfrP rounds.
// The least-squares slope of P* against log2 L (THEORY predicts about 2) is reported as a number
// ("measured", no verdict), with its points in the data.
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/deviation.hpp"
#include "core/instances.hpp"
#include "core/least_squares.hpp"
#include "core/proof.hpp"
#include "output/theorem_module.hpp"
#include "tasks/precision_search.hpp"
#include "tasks/softmax_copy.hpp"
#include "tasks/softmax_copy_eval.hpp"
#include "t2_report.hpp"
#include "tasks/softmax_threshold.hpp"

namespace freelunch::proofs::t2 {
namespace {

using tasks::SoftmaxCopyLayer;

constexpr long kBeta = 4;
constexpr long kBound = 3;                 // values in [-V, V]
constexpr std::size_t kAllRowsUpTo = 512;  // more outputs than this: a row sample (see the header)
constexpr long kLowestP = 4, kHighestP = 64, kConfirmWindow = 4;

constexpr const char* kThreshold = "w >= 1-eps just above Delta*, < 1-eps just below";
constexpr const char* kMargin = "2V 2e^-beta/(1-e^-beta) < 1/2 (copy error bound, every L)";
constexpr const char* kLogits = "logits = -beta (j - pos)^2";
using t2::kDecoded;
using t2::kLeast;

tasks::CopySchedule schedule(const std::string& kind, std::size_t length) {
  if (kind == "shift") return tasks::shift_schedule(2 * length, 1);
  return tasks::make_schedule(kind, length, 0);
}

std::vector<std::size_t> powers_of_two(unsigned from, unsigned to) {
  std::vector<std::size_t> out;
  for (unsigned e = from; e <= to; ++e) out.push_back(std::size_t{1} << e);
  return out;
}

// "{2^4, ..., 2^10} (every power of two)": a grid of consecutive powers of two, written as the set.
std::string powers_set(unsigned from, unsigned to) {
  return "{2^" + std::to_string(from) + ", ..., 2^" + std::to_string(to) + "} (every power of two)";
}

// One construction instance: the layer, its input from the seed, its checked rows.
struct Instance {
  std::string kind;
  std::size_t length;
  SoftmaxCopyLayer layer;
  std::vector<long> inputs;
  tasks::RowSample rows;

  Instance(const std::string& k, std::size_t l, std::uint64_t seed, long beta = kBeta)
      : kind(k), length(l), layer(schedule(k, l), beta), inputs(tasks::random_integer_inputs(layer.schedule(), kBound, seed * 1000003 + l)),
        rows(tasks::sample_rows(layer.schedule(), kAllRowsUpTo)) {}
  // The schedule, and the row sample when not every row is checked: no result claims all rows
  // when a sample was checked.
  std::string name() const {
    return layer.schedule().name + (rows.all() ? "" : " sampled (" + std::to_string(rows.outputs.size()) + " of " + std::to_string(rows.total) + " rows)");
  }
  nlohmann::json data() const {
    return {{"schedule", kind}, {"L", length}, {"beta", layer.beta()}, {"V", kBound}, {"rows", rows.outputs.size()}, {"rows_total", rows.total}};
  }
};

// Check (1). The claims: success at upper + above_offset, failure at lower - below_offset.
CheckResult threshold(const arith::Precision& prec, std::uint64_t length, const Rational& eps, const Rational& above_offset,
                      const Rational& below_offset, const models::RoundingSemantics& sem) {
  const arith::IntervalArith ar(std::get<arith::IntervalSpec>(prec.spec).precision);
  const tasks::ThresholdCertificate c = tasks::certify_gap_threshold(ar, length, eps, above_offset, below_offset);
  return {kThreshold, "L=" + std::to_string(length) + " eps=" + eps.str(), ar.name(), sem.to_string(), verdict_of(c.holds(), true),
          c.describe(),
          {{"L", length}, {"eps", eps.str()}, {"lower", c.lower.str()}, {"upper", c.upper.str()}, {"above", c.above.str()},
           {"below", c.below.str()}}};
}

// Check (2), for the construction's β and V.
CheckResult margin(const arith::Precision& prec, long beta, long bound, const models::RoundingSemantics& sem) {
  const arith::IntervalArith ar(std::get<arith::IntervalSpec>(prec.spec).precision);
  const arith::Interval e = ar.exp(ar.from_int(-beta));
  const arith::Interval error_bound = ar.from_int(2 * bound) * (ar.from_int(2) * e / (ar.from_int(1) - e));
  const arith::Tribool below_half = error_bound < ar.from_rational(Rational(1, 2));
  const std::string word = below_half.is_true() ? " < 1/2" : below_half.is_false() ? ", certified >= 1/2" : ", undecided against 1/2";
  return {kMargin, "beta=" + std::to_string(beta) + " V=" + std::to_string(bound), ar.name(), sem.to_string(),
          verdict_of(below_half, true), "bound in [" + short_decimal(ar.lower(error_bound)) + ", " + short_decimal(ar.upper(error_bound)) + "]" + word,
          {{"beta", beta}, {"V", bound}, {"lower", ar.lower(error_bound).str()}, {"upper", ar.upper(error_bound).str()}}};
}

// Check (3).
CheckResult exact_logits(const Instance& inst, const models::RoundingSemantics& sem) {
  const auto wrong = arith::run_exact(
      [&](const auto& ar) { return tasks::first_wrong_logit(ar, inst.layer, inst.rows.outputs, sem); });
  const std::string detail = wrong ? "output " + std::to_string(wrong->first + 1) + ", step " + std::to_string(wrong->second + 1) + " differs"
                                   : "integer logits, target the unique maximum; " + inst.rows.describe();
  return {kLogits, inst.name(), "exact", sem.to_string(), wrong ? Verdict::fails : Verdict::verified, detail, inst.data()};
}

// Check (4).
CheckResult decoded_copy(const Instance& inst, const arith::Precision& prec, const models::RoundingSemantics& sem) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    if constexpr (arith::TranscendentalArithmetic<A>) {
      const tasks::CopyOutcome o = tasks::evaluate_softmax_copy(ar, inst.layer, inst.inputs, kBound, inst.rows.outputs, sem, !A::is_certified);
      const std::string values = "[-" + std::to_string(kBound) + "," + std::to_string(kBound) + "]";
      const std::string scope = A::is_certified ? "; for all inputs in " + values + " (worst cases enclosed), " : "; random input and two worst cases, ";
      CheckResult r{kDecoded, inst.name(), ar.name(), sem.to_string(), verdict_of(o.holds(), A::is_certified),
                    o.describe() + scope + inst.rows.describe(), inst.data()};
      r.data["copies"] = o.copies();
      r.data["outcome"] = o.holds().to_string();
      r.data["certified"] = A::is_certified;
      return r;
    } else {
      return {kDecoded, inst.name(), ar.name(), sem.to_string(), Verdict::not_applicable,
              "softmax needs exp; see the logit check and intervalP", inst.data()};
    }
  });
}

// Check (5). The claim is the search's P* moved by claim_offset (0 for the genuine check; a
// falsifier moves it by one bit). Every mpfrP evaluation runs at most once: the search and the
// claim read the same outcomes.
CheckResult least_precision(const Instance& inst, const models::RoundingSemantics& sem, long claim_offset = 0) {
  const std::vector<std::size_t> order = tasks::hardest_first(inst.layer.schedule(), inst.rows.outputs);
  std::map<long, tasks::CopyOutcome> outcomes;
  const auto copies = [&](long p) {
    auto it = outcomes.find(p);
    if (it == outcomes.end()) {
      const arith::MpfrArith ar(p);
      it = outcomes.emplace(p, tasks::evaluate_softmax_copy(ar, inst.layer, inst.inputs, kBound, order, sem, true)).first;
    }
    return it->second.copies();
  };
  const tasks::PrecisionSearch search = tasks::least_passing_precision(copies, kLowestP, kHighestP, kConfirmWindow);
  const bool found = search.least.has_value();
  const long claimed = found ? *search.least + claim_offset : 0;
  const std::optional<long> contradiction =
      found ? tasks::least_precision_contradiction(copies, claimed, kLowestP, kHighestP, kConfirmWindow) : std::nullopt;
  const bool holds = found && !contradiction;

  std::string detail;
  if (!found) {
    detail = "no P up to " + std::to_string(kHighestP) + " copies";
  } else if (contradiction) {
    const auto it = outcomes.find(*contradiction);
    detail = "claim P* = " + std::to_string(claimed) + " refuted: " +
             (it == outcomes.end() ? "outside the range searched"
                                   : "mpfr" + std::to_string(*contradiction) + (it->second.copies() ? " copies too" : " " + it->second.describe()));
  } else {
    detail = "P* = " + (claim_offset == 0 ? search.describe() : std::to_string(claimed));
    if (claimed > kLowestP)  // the failure below P*, at the first failing row, hardest rows first
      detail += "; mpfr" + std::to_string(claimed - 1) + " " + outcomes.at(claimed - 1).describe() + " (rows hardest first)";
  }
  detail += "; " + inst.rows.describe();
  CheckResult r{kLeast, inst.name(), "mpfr" + std::to_string(kLowestP) + ".." + std::to_string(kHighestP), sem.to_string(),
                holds ? Verdict::holds_numerically : Verdict::fails, detail, inst.data()};
  r.data["P*"] = holds ? nlohmann::json(claimed) : nlohmann::json(nullptr);
  r.data["claimed"] = found ? nlohmann::json(claimed) : nlohmann::json(nullptr);
  r.data["confirmed_up_to"] = search.confirmed_up_to;
  r.data["evaluations"] = outcomes.size();
  return r;
}

// The least-squares slope of P* against log2 L, per schedule, from the search results.
CheckResult slope(const std::string& kind, const std::vector<CheckResult>& results, const models::RoundingSemantics& sem) {
  std::vector<std::pair<Rational, Rational>> points;
  std::string values;
  for (const CheckResult& r : results) {
    if (r.check != t2::kLeast || r.data["schedule"] != kind || r.data["P*"].is_null()) continue;
    const std::size_t length = r.data["L"].get<std::size_t>();
    unsigned log2 = 0;
    while ((std::size_t{1} << (log2 + 1)) <= length) ++log2;
    points.emplace_back(Rational(log2), Rational(r.data["P*"].get<long>()));
    values += (values.empty() ? "" : ", ") + std::to_string(length) + ":" + std::to_string(r.data["P*"].get<long>());
  }
  const auto fit = least_squares_line(points);
  const std::optional<Rational> b = fit ? std::optional<Rational>(fit->slope) : std::nullopt;
  CheckResult r{t2::kSlope, kind, "mpfr" + std::to_string(kLowestP) + ".." + std::to_string(kHighestP), sem.to_string(),
                Verdict::measured, (b ? short_decimal(*b < 0 ? Rational(-*b) : *b) : std::string("no fit")) + " bits per doubling of L (L:P* " + values + ")",
                {{"schedule", kind}, {"slope", b ? b->str() : std::string()}, {"points", points.size()}}};
  if (b) {
    if (*b < 0) r.detail = "-" + r.detail;
    r.magnitude = b->convert_to<double>();
  }
  return r;
}

// Rounded arithmetics: where decoded COPY holds is a measurement, not the claim. The per-L results
// of one (arithmetic, schedule) become one: the largest L of the grid (the set `grid`) up to which
// every L copies, the first failing L with its first failing row, and every L's outcome in the
// data (with the rows checked, so sampled lengths stay marked).
std::vector<CheckResult> largest_copying_lengths(std::vector<CheckResult> results, const std::string& grid) {
  std::vector<CheckResult> out;
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, std::vector<const CheckResult*>> groups;
  auto measured_here = [](const CheckResult& r) { return r.check == kDecoded && r.data.contains("certified") && !r.data["certified"].get<bool>(); };
  for (const CheckResult& r : results) {
    if (!measured_here(r)) continue;
    const auto key = std::make_pair(r.precision, r.data["schedule"].get<std::string>());
    if (!groups.count(key)) order.push_back(key);
    groups[key].push_back(&r);
  }
  for (const CheckResult& r : results)
    if (!measured_here(r)) out.push_back(r);
  for (const auto& key : order) {
    const std::vector<const CheckResult*>& g = groups[key];
    std::optional<std::size_t> largest;
    const CheckResult* first_failure = nullptr;
    bool copies_again = false;
    std::vector<std::size_t> sampled;  // lengths of the group checked on a row sample
    nlohmann::json per_length = nlohmann::json::array();
    for (const CheckResult* r : g) {
      const std::size_t length = r->data["L"].get<std::size_t>();
      const bool copies = r->data["copies"].get<bool>();
      per_length.push_back({{"L", length}, {"copies", copies}, {"rows", r->data["rows"]}, {"rows_total", r->data["rows_total"]}, {"detail", r->detail}});
      if (r->data["rows"] != r->data["rows_total"]) sampled.push_back(length);
      if (!copies && !first_failure) first_failure = r;
      else if (copies && !first_failure) largest = length;
      else if (copies) copies_again = true;
    }
    std::string detail = largest ? std::to_string(*largest) : std::string("none");
    if (first_failure) {
      detail += "; fails at L = " + std::to_string(first_failure->data["L"].get<std::size_t>()) + ": " + first_failure->detail;
      if (copies_again) detail += "; copies again at a larger L";
    } else {
      detail += " (every L in " + grid + " copies)";
    }
    if (!sampled.empty() && largest && *largest >= sampled.front()) {
      std::string set;
      for (std::size_t l : sampled) set += (set.empty() ? "" : ", ") + std::to_string(l);
      detail += "; rows sampled at L in {" + set + "}";
    }
    CheckResult r{t2::kLargest, key.second, key.first, g.front()->semantics, Verdict::measured, detail,
                  {{"schedule", key.second}, {"largest", largest ? nlohmann::json(*largest) : nlohmann::json(nullptr)},
                   {"per_L", per_length}}};
    r.magnitude = largest ? static_cast<double>(*largest) : 0;
    out.push_back(r);
  }
  return out;
}

const std::vector<Rational>& threshold_eps() {
  static const std::vector<Rational> eps = {Rational(1, 2), Rational(1, 1000), Rational(1, 1000000000)};
  return eps;
}

const Rational& threshold_step() {
  static const Rational step(1, 1000000);
  return step;
}

ProofReport run(const ProofOptions& opt) {
  const bool full = opt.grid == Grid::full;
  const unsigned top = full ? 14 : 10;
  const std::vector<std::size_t> lengths = powers_of_two(1, top), search_lengths = powers_of_two(4, top);
  ProofReport report{"t2", "", to_string(opt.grid), "", opt.seed, {}};
  report.scope = "threshold L in " + powers_set(1, 20) + ", eps in {1/2, 1e-3, 1e-9}; construction beta=4, V=3, full/shift/reverse, L in " +
                 powers_set(1, top) + ", rows sampled where a schedule has more than " + std::to_string(kAllRowsUpTo) +
                 " outputs; P* (numerical) for L in " + powers_set(4, top);

  std::vector<Instance> instances;
  for (const std::string& kind : t2::schedule_kinds())
    for (std::size_t length : lengths) instances.emplace_back(kind, length, opt.seed);

  // Jobs: thresholds and margin (intervals), exact logits, decoded COPY per arithmetic, P* searches.
  std::vector<std::function<CheckResult()>> jobs;
  for (const arith::Precision& prec : opt.precisions) {
    if (!std::holds_alternative<arith::IntervalSpec>(prec.spec)) continue;
    for (std::size_t length : powers_of_two(1, 20))
      for (const Rational& eps : threshold_eps())
        jobs.push_back([&, prec, length, eps] { return threshold(prec, length, eps, threshold_step(), threshold_step(), opt.semantics); });
    jobs.push_back([&, prec] { return margin(prec, kBeta, kBound, opt.semantics); });
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
  report.results = largest_copying_lengths(std::move(report.results), powers_set(1, top));
  for (const std::string& kind : t2::schedule_kinds()) report.results.push_back(slope(kind, report.results, opt.semantics));
  return report;
}

// The checks that give verdicts (see ProofEntry::checks).
std::vector<std::string> checks() { return {kThreshold, kMargin, kLogits, kDecoded, kLeast}; }

// The perturbed constructions and claims the checks above must reject, each on a small instance
// (L = 16, all rows) or one threshold, in the first interval arithmetic of the run (interval128
// when there is none).
std::vector<Falsifier> falsifiers(const ProofOptions& opt) {
  const models::RoundingSemantics sem = opt.semantics;
  const std::uint64_t seed = opt.seed;
  arith::Precision interval = arith::parse_precision("interval128");
  for (const arith::Precision& p : opt.precisions)
    if (std::holds_alternative<arith::IntervalSpec>(p.spec)) {
      interval = p;
      break;
    }
  const std::string in = " (" + interval.name + ")";
  const Rational step = threshold_step(), eps(1, 1000);
  constexpr std::size_t kLength = 1024, kSmall = 16;
  std::vector<Falsifier> out;

  // (1) The threshold claims moved across Δ*: success claimed one step below, failure one step above.
  out.push_back({kThreshold, "success claimed at Delta* - 10^-6, one step below the threshold (L=1024 eps=1/1000)" + in,
                 [=] { return threshold(interval, kLength, eps, -step, step, sem); }});
  out.push_back({kThreshold, "failure claimed at Delta* + 10^-6, one step above the threshold (L=1024 eps=1/1000)" + in,
                 [=] { return threshold(interval, kLength, eps, step, -step, sem); }});
  // (2) β = 1: 2V · 2e^-1/(1 - e^-1) is about 7.
  out.push_back({kMargin, "beta = 1 instead of 4" + in, [=] { return margin(interval, 1, kBound, sem); }});
  // (3) One key entry off by one: k_5 = (1, 5, 26) instead of (1, 5, 25).
  out.push_back({kLogits, "key k_5 = (1, 5, 26), its j^2 entry off by one (full L=16)", [=] {
                   Instance inst("full", kSmall, seed);
                   inst.layer.replace_key(4, {Rational(1), Rational(5), Rational(26)});
                   return exact_logits(inst, sem);
                 }});
  // (4) A β too small for decoding, and a query that points at the next position.
  out.push_back({kDecoded, "beta = 1 instead of 4 (full L=16)" + in, [=] {
                   const Instance inst("full", kSmall, seed, 1);
                   return decoded_copy(inst, interval, sem);
                 }});
  out.push_back({kDecoded, "the query of output 4 points at pos + 1 (full L=16)" + in, [=] {
                   Instance inst("full", kSmall, seed);
                   inst.layer.replace_query(3, inst.layer.query_at(inst.layer.schedule().sources[3] + 1));
                   return decoded_copy(inst, interval, sem);
                 }});
  // (5) The least-precision claim one bit below P*, and one bit above.
  out.push_back({kLeast, "claim P* - 1 (full L=16)", [=] { return least_precision(Instance("full", kSmall, seed), sem, -1); }});
  out.push_back({kLeast, "claim P* + 1 (full L=16)", [=] { return least_precision(Instance("full", kSmall, seed), sem, 1); }});
  return out;
}

}  // namespace
}  // namespace freelunch::proofs::t2

namespace freelunch::proofs {

ProofEntry module_t2() {
  using namespace t2;  // the module's run, checks and falsifiers above
  return {"t2", "Thm 2", "-", "constant-size Transformer copies with logarithmic score growth",
      "a constant-size Transformer performs COPY with logarithmic score growth",
      run, "exact,interval128,fp64,fp32,bf16,fp16,e5m2,e4m3", checks(), falsifiers, t2::statement(), t2::tables, t2::figures};
}

}  // namespace freelunch::proofs
