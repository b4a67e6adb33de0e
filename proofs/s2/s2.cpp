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
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "core/instances.hpp"
#include "core/proof.hpp"
#include "core/random.hpp"
#include "models/chunked_scan.hpp"
#include "models/random_params.hpp"
#include "models/selective_scan.hpp"
#include "output/theorem_module.hpp"
#include "s2_report.hpp"

namespace freelunch::proofs {
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
  report.results = run_jobs("s2", jobs, opt);
  return report;
}

std::vector<std::string> checks() { return {s2::kIdentity}; }

std::vector<Falsifier> falsifiers(const ProofOptions& opt) {
  const models::RoundingSemantics sem = opt.semantics;
  const ScanInstance s = draw_instance(64, Draw::dyadic, opt.seed);
  return {{s2::kIdentity, "the chunked algorithm without its inter-chunk term (N = 64, Q = 8)",
           [=] { return identity(s, 8, sem, models::ChunkedFault::drop_inter); }},
          {s2::kIdentity, "L(i, s+1) in place of L(i, s) in the inter-chunk term (N = 64, Q = 8)",
           [=] { return identity(s, 8, sem, models::ChunkedFault::inter_decay_off_by_one); }}};
}

}  // namespace

ProofEntry module_s2() {
  return {"s2", "(S2)", "-", "Mamba-2 state space duality: the chunked algorithm equals the recurrence",
          "for scalar decays the chunked algorithm (SSD) with any chunk size computes the same outputs as the recurrence, "
          "exactly; in a format the two round differently",
          run, "exact", checks(), falsifiers, s2::statement(), s2::tables, s2::figures};
}

}  // namespace freelunch::proofs
