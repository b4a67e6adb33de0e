// S2 (THEORY §5): Mamba-2's state space duality (Dao and Gu, ICML 2024). Not a theorem of the
// seed paper.
//
// Claim. For a scan with scalar decays, h_t = a_t h_(t−1) + B_t x_t, y_t = C_t · h_t, the chunked
// algorithm with chunk size Q (models/chunked_scan.hpp: intra-chunk terms ((C_i · B_j) L(i, j)) x_j,
// the inter-chunk term C_i · (L(i, s) h_s), the state passed between chunks) computes the same
// map as the recurrence, for every Q: the identity of the semiseparable matrix. In exact
// arithmetic the two code paths agree output for output (products mode); in a format they do not.
//
// Construction. Random scan parameters with scalar decays (models/random_params.hpp): dyadic
// (decays k/16, keys and queries k/8), non-dyadic (k/m, m <= 5), and Mamba-2-range instances
// (decays exp(Δ A) with Mamba-2's initial Δ and A, rounded to k/2^16; keys, queries k/8), input x
// with entries of the same kind, n = 4.
//
// Checks:
// (1) s2::kIdentity: exact, per instance and Q in {1, 2, 3, 8, 64, N} (Q = N = 4096 on the full
//     grid only: 50 million exact multiply-adds): the chunked outputs
//     (products) equal the recurrent outputs (models::selective_scan) entry for entry, both
//     computed by running the code. Falsifiers: the chunked algorithm without its inter-chunk
//     term, and with L(i, s + 1) in place of L(i, s) there (models::ChunkedFault): both must
//     differ from the recurrence.
// (2) s2::kRoundingBound: per format (fp32, bf16, fp16, mpfr24 and fp32 with bf16 storage), N in
//     {256, 1024, 4096, 16384} and algorithm (the recurrence, chunked at Q in {16, 64, 256}), in
//     two families of the same Mamba-2-range layer: decays given as rationals a_t = k/2^16
//     (products mode) and decays given by their logs λ_t = Δ_t A, a_t = exp(λ_t) irrational
//     (cumsum mode; the recurrence computes exp(λ_t) in the format). Each run carries running
//     error bounds (arith/running_bound.hpp), and every output's deviation from the true output,
//     enclosed to 2^-250 by interval256, must lie within its bound: the algorithm as executed
//     in the format computes the SSD map up to the rounding errors it actually committed. The
//     deviations themselves (max over outputs, per N) are the measurement: their growth in N and
//     which algorithm is closer are read from the table and the figure. Falsifiers: the faulty
//     chunked algorithms of (1), run in fp32 and fp16, must leave their bounds.
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <mutex>
#include <type_traits>

#include "arith/interval.hpp"
#include "arith/precision.hpp"
#include "arith/running_bound.hpp"
#include "core/deviation.hpp"
#include "core/instances.hpp"
#include "core/proof.hpp"
#include "core/random.hpp"
#include "models/chunked_scan.hpp"
#include "models/random_params.hpp"
#include "models/selective_scan.hpp"
#include "models/storage.hpp"
#include "output/theorem_module.hpp"
#include "s2_report.hpp"

namespace freelunch::proofs::s2 {
namespace {

constexpr std::size_t kState = 4;
constexpr std::size_t kWholeChunkQuick = 512;

struct ScanInstance {
  std::string name;
  models::ScanParams<Rational> params;
  std::vector<Rational> input;
};

enum class Draw { dyadic, small_denominators, mamba2_range };

std::string to_string(Draw d) {
  switch (d) {
    case Draw::dyadic: return "dyadic";
    case Draw::small_denominators: return "k/m";
    case Draw::mamba2_range: return "mamba2";
  }
  return "";
}

// Mamba-2's decay range: a = exp(Δ A) with Δ log-uniform in [0.001, 0.1] and A uniform in
// [−16, −1] (Mamba-2's initialization of dt and A_log), evaluated in binary64 and rounded to
// k / 2^16 so that products mode has an exact reference. The draw is binary64 arithmetic on
// integers from the seeded generator: the same decays on every run of this build.
Rational mamba2_decay(Rng& rng) {
  const double delta = std::exp(std::log(0.001) + (std::log(0.1) - std::log(0.001)) * static_cast<double>(rng.uniform(0, 1 << 20)) / (1 << 20));
  const double a_log = -1.0 - 15.0 * static_cast<double>(rng.uniform(0, 1 << 20)) / (1 << 20);
  const long k = std::lround(std::exp(delta * a_log) * 65536.0);
  return Rational(std::max(1L, std::min(k, 65536L)), 65536);
}

// The same draw as the log of the decay, λ = Δ A rounded to k / 2^16 (k <= -1), and the decay
// exp(λ) rounded to k / 2^16: the two families of the rounding check share every other number.
Rational mamba2_log_decay(Rng& rng) {
  const double delta = std::exp(std::log(0.001) + (std::log(0.1) - std::log(0.001)) * static_cast<double>(rng.uniform(0, 1 << 20)) / (1 << 20));
  const double a_log = -1.0 - 15.0 * static_cast<double>(rng.uniform(0, 1 << 20)) / (1 << 20);
  return Rational(std::min(-1L, std::lround(delta * a_log * 65536.0)), 65536);
}

Rational decay_from_log(const Rational& lambda) {
  const long k = std::lround(std::exp(static_cast<double>(lambda)) * 65536.0);
  return Rational(std::max(1L, std::min(k, 65536L)), 65536);
}

ScanInstance draw_instance(std::size_t length, Draw draw, std::uint64_t seed) {
  Rng rng(seed);
  const bool dyadic = draw != Draw::small_denominators;
  ScanInstance s{"N=" + std::to_string(length) + " " + to_string(draw) + " seed=" + std::to_string(seed),
                 models::random_scan_params(rng, length, kState, models::DecayKind::scalar, dyadic), {}};
  if (draw == Draw::mamba2_range)
    for (Rational& a : s.params.a) a = mamba2_decay(rng);
  for (std::size_t t = 0; t < length; ++t) s.input.push_back(dyadic ? Rational(models::nonzero(rng, 16), 8) : rng.nonzero_rational(2, 5));
  return s;
}

// (1) on an instance, chunk size and (for the falsifiers) a fault.
CheckResult identity(const ScanInstance& s, std::size_t chunk, const models::RoundingSemantics& sem, models::ChunkedFault fault = models::ChunkedFault::none) {
  const std::string instance = s.name + " Q=" + std::to_string(chunk);
  return arith::run_exact([&](const auto& ar) -> CheckResult {
    using V = typename std::decay_t<decltype(ar)>::value_type;
    const auto p = models::to_arithmetic(ar, s.params, sem);
    std::vector<V> u;
    for (const Rational& x : s.input) u.push_back(ar.from_rational(x));
    models::Counters recurrent_cost, chunked_cost;
    const auto recurrent = models::selective_scan(ar, p, std::span<const V>(u), sem, &recurrent_cost);
    const auto chunked = models::chunked_scan(ar, p, std::span<const V>(u), chunk, models::Segsum::products, sem, &chunked_cost, fault);
    std::optional<std::size_t> first;
    for (std::size_t t = 0; t < recurrent.size() && !first; ++t)
      if (ar.to_rational(recurrent[t]) != ar.to_rational(chunked[t])) first = t;
    nlohmann::json data = {{"N", s.params.length},  {"chunk", chunk}, {"first_difference", first ? nlohmann::json(*first + 1) : nlohmann::json(nullptr)},
                           {"recurrent_mul_adds", recurrent_cost.mul_adds}, {"chunked_mul_adds", chunked_cost.mul_adds}};
    const std::string detail = first ? "y_" + std::to_string(*first + 1) + " differs (chunked " + ar.to_rational(chunked[*first]).str().substr(0, 40) +
                                           ", recurrent " + ar.to_rational(recurrent[*first]).str().substr(0, 40) + ")"
                                     : "all " + std::to_string(recurrent.size()) + " outputs equal";
    return {s2::kIdentity, instance, "exact", sem.to_string(), first ? Verdict::fails : Verdict::verified, detail, data};
  });
}

// (2) The rounding check.

enum class Family { products, cumsum };

// One Mamba-2-range layer in both families: `params` has the rational decays k/2^16 of the
// products family; the cumsum family replaces a_t by exp(log_decays[t]).
struct RoundingInstance {
  models::ScanParams<Rational> params;
  std::vector<Rational> log_decays;
  std::vector<Rational> input;
};

RoundingInstance draw_rounding_instance(std::size_t length, std::uint64_t seed) {
  Rng rng(seed);
  RoundingInstance s{models::random_scan_params(rng, length, kState, models::DecayKind::scalar, true), {}, {}};
  for (std::size_t t = 0; t < length; ++t) {
    s.log_decays.push_back(mamba2_log_decay(rng));
    s.params.a[t] = decay_from_log(s.log_decays[t]);
  }
  for (std::size_t t = 0; t < length; ++t) s.input.push_back(Rational(models::nonzero(rng, 16), 8));
  return s;
}

constexpr long kReferenceBits = 256;

// The true outputs, enclosed: the recurrence in interval256 on the exact parameters (no storage
// rounding), a_t = exp(λ_t) enclosed for the cumsum family. An exact reference for the products
// family would hold N^2/2 · 16 bits of outputs (268 MB at N = 16384); the enclosure is as good
// for deviations of 2^-50 and more: its width is below 2^-240 of the outputs here.
struct Reference {
  std::vector<Rational> lower, upper;
};

Reference true_outputs(const RoundingInstance& s, Family family) {
  const arith::IntervalArith ar(kReferenceBits);
  const models::RoundingSemantics plain;
  auto p = models::to_arithmetic(ar, s.params, plain);
  if (family == Family::cumsum)
    for (std::size_t t = 0; t < s.params.length; ++t) p.a[t] = ar.exp(ar.from_rational(s.log_decays[t]));
  std::vector<arith::Interval> u;
  for (const Rational& x : s.input) u.push_back(ar.from_rational(x));
  const auto y = models::selective_scan(ar, p, std::span<const arith::Interval>(u), plain);
  Reference r;
  for (const auto& v : y) {
    r.lower.push_back(ar.lower(v));
    r.upper.push_back(ar.upper(v));
  }
  return r;
}

// Computed once, by the first job that needs it (results reused from a store never need it).
class LazyReference {
 public:
  LazyReference(const RoundingInstance& s, Family family) : s_(s), family_(family) {}
  const Reference& get() {
    std::call_once(once_, [&] { ref_ = true_outputs(s_, family_); });
    return ref_;
  }

 private:
  const RoundingInstance& s_;
  Family family_;
  std::once_flag once_;
  Reference ref_;
};

std::string rounding_name(std::size_t length, Family family, std::size_t chunk) {
  return "N=" + std::to_string(length) + " " + (family == Family::products ? "products" : "cumsum") + " " +
         (chunk == 0 ? std::string("recurrent") : "Q=" + std::to_string(chunk));
}

// One algorithm (chunk 0: the recurrence) in one format with running bounds, against the
// reference.
template <class Inner>
CheckResult rounding_row_in(const Inner& inner, const RoundingInstance& s, Family family, std::size_t chunk, const models::RoundingSemantics& sem,
                            LazyReference& reference, models::ChunkedFault fault) {
  const arith::RunningBoundArith<Inner> ar(inner);
  using V = typename arith::RunningBoundArith<Inner>::value_type;
  // Every number enters as the format (or the storage format) holds it, with its distance from
  // the true parameter as its initial bound.
  const auto enter = [&](const Rational& q) { return ar.from_rational_near(models::through_storage(q, sem), q); };
  auto p = models::map_params<V>(s.params, enter);
  std::vector<V> log_a, u;
  if (family == Family::cumsum)
    for (std::size_t t = 0; t < s.params.length; ++t) {
      log_a.push_back(enter(s.log_decays[t]));
      p.a[t] = ar.exp(log_a[t]);
    }
  for (const Rational& x : s.input) u.push_back(enter(x));
  models::Counters cost;
  const auto y = chunk == 0 ? models::selective_scan(ar, p, std::span<const V>(u), sem, &cost)
                            : models::chunked_scan(ar, p, std::span<const V>(u), chunk, family == Family::products ? models::Segsum::products : models::Segsum::cumsum,
                                                   sem, &cost, fault, std::span<const V>(log_a));
  const Reference& ref = reference.get();
  double max_deviation = 0, max_bound = 0, max_output = 0, reference_width = 0;
  for (std::size_t t = 0; t < ref.lower.size(); ++t) {
    max_output = std::max({max_output, arith::bound::magnitude_up(ref.lower[t]), arith::bound::magnitude_up(ref.upper[t])});
    reference_width = std::max(reference_width, arith::bound::magnitude_up(Rational(ref.upper[t] - ref.lower[t])));
  }
  std::size_t worst = 0;
  std::optional<std::size_t> first_violation;
  std::string violation;
  for (std::size_t t = 0; t < y.size(); ++t) {
    if (!ar.is_finite(y[t])) {
      if (!first_violation) first_violation = t, violation = "not finite";
      max_deviation = max_bound = std::numeric_limits<double>::infinity();
      continue;
    }
    const Rational v = inner.to_rational(y[t].value());
    const Rational deviation = std::max(abs(Rational(v - ref.lower[t])), abs(Rational(v - ref.upper[t])));  // an upper bound
    if (deviation > rational_from_double(y[t].bound()) && !first_violation) {
      first_violation = t;
      violation = "deviation " + short_decimal(deviation) + " > bound " + short_decimal(rational_from_double(y[t].bound()));
    }
    if (const double d = arith::bound::magnitude_up(deviation); d > max_deviation) max_deviation = d, worst = t;
    max_bound = std::max(max_bound, y[t].bound());
  }
  nlohmann::json data = {{"N", s.params.length},
                         {"family", family == Family::products ? "products" : "cumsum"},
                         {"algorithm", chunk == 0 ? "recurrent" : "chunked"},
                         {"chunk", chunk == 0 ? nlohmann::json(nullptr) : nlohmann::json(chunk)},
                         {"max_deviation", max_deviation},
                         {"max_bound", max_bound},
                         {"max_output", max_output},
                         {"reference_width", reference_width},
                         {"worst_output", worst + 1},
                         {"first_violation", first_violation ? nlohmann::json(*first_violation + 1) : nlohmann::json(nullptr)},
                         {"mul_adds", cost.mul_adds}};
  const std::string detail = first_violation ? "y_" + std::to_string(*first_violation + 1) + ": " + violation
                                             : "max deviation " + short_decimal(rational_from_double(max_deviation)) + " (y_" + std::to_string(worst + 1) +
                                                   "), every output within its bound (largest " + short_decimal(rational_from_double(max_bound)) + ")";
  return {s2::kRoundingBound, rounding_name(s.params.length, family, chunk), inner.name(), sem.to_string(),
          first_violation ? Verdict::fails : Verdict::verified, detail, data, max_deviation};
}

CheckResult rounding_row(const arith::Precision& prec, const RoundingInstance& s, Family family, std::size_t chunk, const models::RoundingSemantics& sem,
                         LazyReference& reference, models::ChunkedFault fault = models::ChunkedFault::none) {
  return arith::with_arithmetic(prec, [&](const auto& inner) -> CheckResult {
    using A = std::decay_t<decltype(inner)>;
    if constexpr (std::is_same_v<A, arith::SoftFloatArith> || std::is_same_v<A, arith::MpfrArith>) {
      return rounding_row_in(inner, s, family, chunk, sem, reference, fault);
    } else {
      throw UsageError("s2's rounding check runs in floating-point formats and mpfrP only, not in " + prec.name);
    }
  });
}

bool is_float(const arith::Precision& p) {
  return std::holds_alternative<arith::FloatSpec>(p.spec) || std::holds_alternative<arith::MpfrSpec>(p.spec);
}

// The arithmetics of the rounding check: every floating precision asked for with the run's
// semantics, and fp32 once more with bf16 storage (the kernels' mixed precision) unless the
// semantics already names a storage.
std::vector<std::pair<arith::Precision, models::RoundingSemantics>> rounding_arithmetics(const ProofOptions& opt) {
  std::vector<std::pair<arith::Precision, models::RoundingSemantics>> out;
  for (const arith::Precision& p : opt.precisions) {
    if (std::holds_alternative<arith::ExactSpec>(p.spec)) continue;
    if (!is_float(p)) throw UsageError("s2's rounding check runs in floating-point formats and mpfrP only, not in " + p.name);
    if (opt.semantics.dot == models::RoundingSemantics::Dot::fused)
      throw UsageError("s2's rounding check bounds per-operation rounding only (running error bounds); drop `fused` from --semantics");
    out.emplace_back(p, opt.semantics);
    if (p.name == "fp32" && !opt.semantics.storage) {
      models::RoundingSemantics mixed = opt.semantics;
      mixed.storage = arith::parse_precision("bf16");
      out.emplace_back(p, mixed);
    }
  }
  return out;
}

const std::vector<std::size_t>& rounding_chunks() {
  static const std::vector<std::size_t> q = {0, 16, 64, 256};  // 0: the recurrence
  return q;
}

ProofReport run(const ProofOptions& opt) {
  const bool full = opt.grid == Grid::full;
  const std::vector<std::size_t> lengths = {64, 512, 4096};
  const std::size_t seeds = full ? 3 : 1;
  ProofReport report{"s2", "", to_string(opt.grid), "", opt.seed, {}};
  report.scope = "N in {64, 512, 4096}, n = " + std::to_string(kState) + ", Q in {1, 2, 3, 8, 64} and Q = N for N in " +
                 (full ? std::string("{64, 512, 4096}") : std::string("{64, 512}")) + ", dyadic, k/m and Mamba-2-range parameters, " + std::to_string(seeds) +
                 " seed(s) each";
  std::vector<ScanInstance> instances;
  for (std::size_t length : lengths)
    for (Draw draw : {Draw::dyadic, Draw::small_denominators, Draw::mamba2_range})
      for (std::size_t s = 0; s < seeds; ++s) instances.push_back(draw_instance(length, draw, opt.seed + 100 * length + 25 * static_cast<std::size_t>(draw) + s));
  std::vector<std::function<CheckResult()>> jobs;
  for (std::size_t i = 0; i < instances.size(); ++i) {
    const std::size_t length = instances[i].params.length;
    std::vector<std::size_t> chunks = {1, 2, 3, 8, 64};
    // Q = N is one chunk: N^2/2 exact dot products, 50 million multiply-adds at N = 4096 (about a
    // minute); the quick grid takes it up to N = 512.
    if (length <= kWholeChunkQuick || full) chunks.push_back(length);
    std::erase_if(chunks, [&](std::size_t q) { return q > length; });
    chunks.erase(std::unique(chunks.begin(), chunks.end()), chunks.end());
    for (std::size_t q : chunks) jobs.push_back([&, i, q] { return identity(instances[i], q, opt.semantics); });
  }
  const std::vector<std::size_t> rounding_lengths = full ? std::vector<std::size_t>{256, 1024, 4096, 16384, 65536}
                                                        : std::vector<std::size_t>{256, 1024, 4096, 16384};
  const auto arithmetics = rounding_arithmetics(opt);
  std::vector<RoundingInstance> rounding_instances;
  std::vector<std::unique_ptr<LazyReference>> references;  // per instance: products, cumsum
  if (!arithmetics.empty())
    for (std::size_t length : rounding_lengths) rounding_instances.push_back(draw_rounding_instance(length, opt.seed + 7 * length));
  for (const RoundingInstance& s : rounding_instances)
    for (Family family : {Family::products, Family::cumsum}) references.push_back(std::make_unique<LazyReference>(s, family));
  for (const auto& [prec, sem] : arithmetics)
    for (std::size_t i = 0; i < rounding_instances.size(); ++i)
      for (Family family : {Family::products, Family::cumsum})
        for (std::size_t q : rounding_chunks())
          jobs.push_back([&, prec, sem, i, family, q] {
            return rounding_row(prec, rounding_instances[i], family, q, sem, *references[2 * i + (family == Family::cumsum ? 1 : 0)]);
          });
  if (!arithmetics.empty()) {
    report.scope += "; rounding: N in " + std::string(full ? "{256, 1024, 4096, 16384, 65536}" : "{256, 1024, 4096, 16384}") +
                    ", the recurrence and Q in {16, 64, 256}, products and cumsum families, in";
    for (const auto& [prec, sem] : arithmetics) report.scope += " " + prec.name + (sem.storage ? " (storage " + sem.storage->name + ")" : "");
  }
  report.results = run_jobs("s2", jobs, opt);
  return report;
}

std::vector<std::string> checks() { return {s2::kIdentity, s2::kRoundingBound}; }

CheckResult faulty_rounding_row(const std::string& precision, Family family, models::ChunkedFault fault, const models::RoundingSemantics& sem) {
  const RoundingInstance s = draw_rounding_instance(256, 1);
  LazyReference reference(s, family);
  return rounding_row(arith::parse_precision(precision), s, family, 16, sem, reference, fault);
}

std::vector<Falsifier> falsifiers(const ProofOptions& opt) {
  const models::RoundingSemantics sem = opt.semantics;
  const ScanInstance s = draw_instance(64, Draw::dyadic, opt.seed);
  return {{s2::kIdentity, "the chunked algorithm without its inter-chunk term (N = 64, Q = 8)",
           [=] { return identity(s, 8, sem, models::ChunkedFault::drop_inter); }},
          {s2::kIdentity, "L(i, s+1) in place of L(i, s) in the inter-chunk term (N = 64, Q = 8)",
           [=] { return identity(s, 8, sem, models::ChunkedFault::inter_decay_off_by_one); }},
          {s2::kRoundingBound, "the chunked algorithm without its inter-chunk term, in fp32 (products, N = 256, Q = 16)",
           [=] { return faulty_rounding_row("fp32", Family::products, models::ChunkedFault::drop_inter, sem); }},
          {s2::kRoundingBound, "L(i, s+1) in place of L(i, s), in fp16 (cumsum, N = 256, Q = 16)",
           [=] { return faulty_rounding_row("fp16", Family::cumsum, models::ChunkedFault::inter_decay_off_by_one, sem); }}};
}

}  // namespace
}  // namespace freelunch::proofs::s2

namespace freelunch::proofs {

ProofEntry module_s2() {
  using namespace s2;  // the module's run, checks and falsifiers above
  return {"s2", "(S2)", "-", "Mamba-2 state space duality: the chunked algorithm equals the recurrence",
          "for scalar decays the chunked algorithm (SSD) with any chunk size computes the same outputs as the recurrence, "
          "exactly; in a format the two round differently",
          run, "exact,fp32,bf16,fp16,mpfr24", checks(), falsifiers, s2::statement(), s2::tables, s2::figures};
}

}  // namespace freelunch::proofs
