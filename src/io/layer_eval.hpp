#pragma once
// Evaluating a layer read from JSON (layer_json.hpp) in any arithmetic, and what `freelunch eval`
// reports about it: the deviation from a reference, decoded COPY on a schedule, the exact
// semiseparable rank profile, and memory estimates.
//
// The reference is `exact` for layers with rational parameters (scan, linear attention) and an
// interval enclosure for layers that need exp (the Mamba discretization exp(Δ A), softplus and the
// gate silu(z), softmax): exp of a nonzero rational is irrational (THEORY §1.1, "Exactness rule").
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "arith/arithmetic.hpp"
#include "arith/flags.hpp"
#include "arith/precision.hpp"
#include "arith/tribool.hpp"
#include "core/time_cap.hpp"
#include "io/layer_json.hpp"
#include "models/mamba_channel.hpp"
#include "models/rounding_semantics.hpp"
#include "models/selective_scan.hpp"
#include "models/storage.hpp"
#include "tasks/copy_schedule.hpp"

namespace freelunch::io {

namespace detail {

template <arith::Arithmetic A>
std::vector<typename A::value_type> stored(const A& ar, std::span<const Rational> qs, const models::RoundingSemantics& sem) {
  std::vector<typename A::value_type> out;
  out.reserve(qs.size());
  for (const Rational& q : qs) out.push_back(ar.from_rational(models::through_storage(q, sem)));
  return out;
}

template <arith::Arithmetic A>
linalg::Matrix<typename A::value_type> stored(const A& ar, const linalg::Matrix<Rational>& m, const models::RoundingSemantics& sem) {
  linalg::Matrix<typename A::value_type> out(m.rows(), m.cols(), ar.from_int(0));
  for (std::size_t i = 0; i < m.rows(); ++i)
    for (std::size_t j = 0; j < m.cols(); ++j) out(i, j) = ar.from_rational(models::through_storage(m(i, j), sem));
  return out;
}

template <class V>
std::vector<V> column(linalg::Matrix<V>&& m) {
  std::vector<V> out;
  out.reserve(m.rows());
  for (std::size_t i = 0; i < m.rows(); ++i) out.push_back(std::move(m(i, 0)));
  return out;
}

}  // namespace detail

// y_1..y_N of the layer on its input in the arithmetic `ar`: every parameter and input rounded
// once to ar (through the storage precision first, if the semantics names one), then the model of
// src/models/ (selective_scan; discretize then selective_scan, then gate; linear_attention;
// softmax_attention). Exactness class: that of A. A layer that needs exp raises the models'
// UsageError in an arithmetic without exp (`exact`).
template <arith::Arithmetic A>
std::vector<typename A::value_type> evaluate_layer(const A& ar, const LayerSpec& spec, const models::RoundingSemantics& sem) {
  using V = typename A::value_type;
  const std::vector<V> u = detail::stored(ar, std::span<const Rational>(spec.input), sem);
  switch (spec.kind()) {
    case LayerKind::scan: {
      const auto p = models::to_arithmetic(ar, std::get<models::ScanParams<Rational>>(spec.layer), sem);
      return models::selective_scan(ar, p, std::span<const V>(u), sem);
    }
    case LayerKind::mamba: {
      const MambaLayer& m = std::get<MambaLayer>(spec.layer);
      const models::MambaChannel<Rational>& q = m.channel;
      models::MambaChannel<V> ch{q.length, q.state, detail::stored(ar, std::span<const Rational>(q.delta), sem), q.delta_is_preactivation,
                                 detail::stored(ar, std::span<const Rational>(q.A), sem), detail::stored(ar, std::span<const Rational>(q.B), sem),
                                 detail::stored(ar, std::span<const Rational>(q.C), sem), std::nullopt};
      if (q.D) ch.D = ar.from_rational(models::through_storage(*q.D, sem));
      const models::ScanParams<V> p = models::discretize(ar, ch, m.discretization);
      std::vector<V> y = models::selective_scan(ar, p, std::span<const V>(u), sem);
      if (!m.gate) return y;
      const std::vector<V> z = detail::stored(ar, std::span<const Rational>(*m.gate), sem);
      return models::gate(ar, std::span<const V>(y), std::span<const V>(z));
    }
    case LayerKind::linear_attention: {
      const auto& la = std::get<models::LinearAttention<Rational>>(spec.layer);
      models::LinearAttention<V> in{detail::stored(ar, la.q, sem), detail::stored(ar, la.k, sem), detail::stored(ar, la.v, sem), std::nullopt};
      if (la.decay) in.decay = detail::stored(ar, std::span<const Rational>(*la.decay), sem);
      return detail::column(models::linear_attention(ar, in, sem));
    }
    case LayerKind::softmax_attention: {
      const auto& sa = std::get<models::SoftmaxAttention<Rational>>(spec.layer);
      const models::SoftmaxAttention<V> in{detail::stored(ar, sa.q, sem), detail::stored(ar, sa.k, sem), detail::stored(ar, sa.v, sem)};
      return detail::column(models::softmax_attention(ar, in, sem));
    }
  }
  throw UsageError("unknown layer kind");
}

// The outputs of one run as exact values: a point (lower == upper) for exact and rounded
// arithmetics, the certified enclosure [lower, upper] for intervals.
struct LayerRun {
  std::string precision;                        // the arithmetic's name
  std::string exact_path;                       // `exact`: "dyadic" or "rational"; empty otherwise
  bool enclosure = false;                       // interval arithmetic
  std::vector<std::optional<Rational>> lower;   // per step; nullopt where the value is not finite
  std::vector<std::optional<Rational>> upper;
  std::vector<std::string> nonfinite;           // "inf", "-inf", "nan", "unbounded"; "" where finite
  arith::Flags flags;                           // sticky flags of the whole run

  std::size_t length() const { return lower.size(); }
  bool finite(std::size_t t) const { return lower[t].has_value(); }
};

// Evaluates the layer in the arithmetic that `p` names (arith::with_arithmetic).
LayerRun run_layer(const arith::Precision& p, const LayerSpec& spec, const models::RoundingSemantics& sem);

// The reference the runs are compared with: `exact` when the layer needs no exp; otherwise
// intervalP with P = max(256, the largest precision among `requested` + 64) bits.
arith::Precision reference_precision(const LayerSpec& spec, const std::vector<arith::Precision>& requested);

// How a run deviates from the reference, step by step (0-based steps). For a point y against an
// enclosure [l, u] of the true value y*: |y - y*| lies in [dist(y, [l, u]), max(|y - l|, |y - u|)];
// the largest upper bound is reported, and a step counts as deviating when the lower bound is
// positive. For exact against exact both bounds are |y - y*|. Steps where the reference is not
// finite are skipped (counted).
struct Comparison {
  Rational max_deviation = 0;                  // over steps where both are finite
  std::optional<std::size_t> max_step;         // where it is attained (none when 0)
  std::optional<std::size_t> first_step;       // first step that certainly deviates, or is not finite
  std::optional<std::size_t> first_nonfinite;  // first step where the run is not finite
  Rational max_width = 0;                      // widest enclosure of the run (intervals)
  std::size_t reference_nonfinite = 0;         // steps skipped
};
Comparison compare_runs(const LayerRun& run, const LayerRun& reference);

// Decoded COPY on a schedule (THEORY §2): |y_i - u_pos(i)| < 1/2 at every output step i, with the
// exact input values u. Exact and rounded runs decide it exactly (a non-finite y fails); for an
// enclosure it holds when every point does, fails when no point does at some step, and is unknown
// otherwise.
struct ScheduleCheck {
  arith::Tribool holds{true};
  Rational max_error = 0;                    // largest |y_i - u_pos(i)| (upper bound) over finite outputs
  std::optional<std::size_t> first_failure;  // index into schedule.outputs: the first that fails, else the first unknown
};
ScheduleCheck check_schedule(const LayerRun& run, const tasks::CopySchedule& schedule, const std::vector<Rational>& input);

// The semiseparable rank profile of the layer's sequence matrix (THEORY §1.2): entry r - 1 is the
// rank of M[r+1..N, 1..r], r = 1..N-1, for a scan and for linear attention (a scalar-decay scan
// with c = q, b = k, a = decay or 1), from the parameters as given (no storage rounding), by
// linalg::scan_rank_bounds in O(N n^3): a certain lower and upper bound per block, equal on
// generic layers (the rank is then exact). Where they differ and N <= kDenseRankLength, the
// block's rank is computed exactly from the dense matrix; above, both bounds are reported. Not
// computed, with the reason, for layers that need exp (their parameters are irrational), for
// N > max_length, or when the estimate of estimate_rank_profile exceeds memory_cap.
struct RankProfile {
  bool computed = false;
  std::vector<long> lower, upper;  // equal where the rank is known exactly
  std::uint64_t prime = 0;         // the modulus of the lower bounds
  std::size_t dense_blocks = 0;    // blocks settled by dense exact elimination
  std::string reason;              // why not computed
  bool exact() const { return lower == upper; }
  std::string method() const;      // how the bounds were obtained, one clause
};
inline constexpr std::size_t kMaxRankProfileLength = 65536;  // the default max_length
inline constexpr std::size_t kDenseRankLength = 64;          // dense exact ranks for open blocks up to this N
inline constexpr std::uint64_t kRankProjectionSeed = 1;      // fixed: same layer, same output bytes
// on_block(r) is called after the rank of block r (1..N-1), for a progress line.
RankProfile layer_rank_profile(const LayerSpec& spec, std::size_t max_length, std::uint64_t memory_cap,
                               const std::function<void(std::size_t)>& on_block = {});

// A memory estimate in bytes and what it counts, one line.
struct MemoryEstimate {
  double bytes = 0;
  std::string what;
};

// The memory and time one run needs, memory at its peak (docs/layer-json.md, "Memory"). Heuristic in what it
// counts, rigorous in the sizes it bounds:
//  - exact: the outputs (all kept) and the state, each bounded by following the recurrence on size
//    bounds of the parameters: for all-dyadic data (exact's dyadic path) a magnitude 2^hi and a
//    lowest exponent lo per value, the mantissa then has at most floor(hi - lo) + 1 bits; for
//    other rationals bits(x y) <= bits(x) + bits(y) and bits(x + y) <= bits(x) + bits(y) + 1;
//    plus the parameters, 64 bytes per value.
//  - other arithmetics: the values held (parameters, discretized parameters, state, outputs,
//    softmax logits) times the size of one value (P/8 + 48 bytes for MPFR, twice for intervals,
//    16 bytes for emulated formats and fixed point).
//  Time: each exact operation of the recurrence costs exact_op_seconds of its bound; other
//  arithmetics count their operations (core/time_cap.hpp). output_bits bounds the size of one
//  output, for the cost of comparing runs.
struct RunEstimate {
  MemoryEstimate memory;
  TimeEstimate time;
  double output_bits = 64;
};
RunEstimate estimate_run(const LayerSpec& spec, const arith::Precision& p);
// The rank profile: its words mod p, the parameters' residues and exact rows, and for N <=
// kDenseRankLength the dense exact matrix its open blocks may need (N^2 entries, each bounded as
// above through prefix sums over the decays, times 4); the time of the bounds (the dense blocks,
// rare, are not counted: the deadline keeps the cap).
RunEstimate estimate_rank_profile(const LayerSpec& spec);

}  // namespace freelunch::io
