#pragma once
// The selective scan for emulated formats on their binary64 fast path (SoftFloatArith, not
// binary64 itself), batched: the same operations in the same order as the generic scan
// (per-operation rounding, sequential sums), with the same values and the same sticky flags,
// at a fraction of the cost.
//
// How. Values are plain doubles (a format value is exact in binary64), W to a vector (2, 4 or 8
// lanes, the build's widest register). Each block of kScanBlock time steps runs first on a
// rounding without branches (Veltkamp's splitting), which is right when every result is zero or
// in the format's normal binades without overflow: the state update is vectorized over the state
// entries, and the read-out sums over the block's steps (one lane per step: each sum is a
// dependent chain, and the chains of different steps are independent). A watch per lane collects
// the discarded bits and TwoSum errors (inexact iff any is nonzero) and the smallest nonzero and
// largest magnitude rounded. If one was outside the normal range, the block is redone from its
// first state one step at a time, and a step whose own watch fails by the generic SoftFloat
// operations, which raise every flag exactly as the generic scan does; if not, the only flag the block can raise is inexact, and once inexact is raised the
// following blocks no longer look for discarded bits. Products of two values of a fast-path
// format (p <= 25) are exact in binary64, so only sums need TwoSum, and not even those when every
// sum of the format is exact in binary64 (SoftFloatArith::sums_exact: fp16, e5m2, e4m3).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <span>
#include <vector>

#include "arith/soft_float.hpp"
#include "models/counters.hpp"
#include "models/dot.hpp"
#include "models/rounding_semantics.hpp"
#include "models/scan_params.hpp"

namespace freelunch::models {

namespace detail {

// W binary64 lanes as a GCC vector, W = 2 (SSE2), 4 (AVX2) or 8 (AVX-512): one register of the
// build's widest kind. Written as vectors rather than left to the auto-vectorizer, which chose
// two-lane vectors for the read-out and scalar copies for the parameters.
template <std::size_t W>
struct Lanes {
  static constexpr std::size_t width = W;
  typedef double D __attribute__((vector_size(8 * W)));
  typedef std::uint64_t U __attribute__((vector_size(8 * W)));
  typedef std::int64_t I __attribute__((vector_size(8 * W)));
};

// x in every lane. (Not D{} + x, which turns -0 into +0.) Through an array: writing the lanes of
// v one by one compiled, inside the kernel, to one masked insert per lane at every time step
// (a sixth of the kernel's time), where this is one broadcast instruction.
template <class D>
[[gnu::always_inline]] inline void broadcast(D& v, double x) {
  double lanes[sizeof(D) / 8];
  for (double& l : lanes) l = x;
  std::memcpy(&v, lanes, sizeof v);
}
template <class D>
[[gnu::always_inline]] inline void load_lanes(D& v, const double* p) {
  std::memcpy(&v, p, sizeof v);
}
template <class D>
[[gnu::always_inline]] inline void store_lanes(double* p, const D& v) {
  std::memcpy(p, &v, sizeof v);
}

// The values of row[j .. j + count) (count <= W), zero in the lanes past them. A SoftFloat is a
// double followed by its context pointer: W of them are 2W words, and the values are the even ones.
template <class D>
[[gnu::always_inline]] inline void load_values(D& v, const arith::SoftFloat* row, std::size_t j, std::size_t count) {
  static_assert(sizeof(arith::SoftFloat) == 16 && std::is_trivially_copyable_v<arith::SoftFloat>);
  constexpr std::size_t W = sizeof(D) / 8;
  const arith::SoftFloat* p = row + (count == 0 ? 0 : j);  // a padded chunk may lie past the row's end
  if (count == W) {
    D lo, hi;
    std::memcpy(&lo, p, sizeof lo);
    std::memcpy(&hi, p + W / 2, sizeof hi);
    if constexpr (W == 2) v = __builtin_shufflevector(lo, hi, 0, 2);
    else if constexpr (W == 4) v = __builtin_shufflevector(lo, hi, 0, 2, 4, 6);
    else v = __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14);
    return;
  }
  v = D{};
  for (std::size_t l = 0; l < count; ++l) v[l] = p[l].value();
}

// What a block's fast operations saw, per lane: the bits they discarded (inexact iff any is
// nonzero) and the range of the magnitudes they rounded, which tells whether every result was
// zero or in the format's normal binades without overflow. The range is kept in signed 64-bit
// lanes (AVX2 compares 64-bit lanes as signed numbers only): a magnitude's bits m are below 2^63,
// so `high` is their signed maximum, and `low` the signed minimum of m + (2^63 - 1), which wraps
// every nonzero m to a negative number, in order, and leaves zero at the largest value, out of
// the way.
template <std::size_t W>
struct LaneWatch {
  using U = typename Lanes<W>::U;
  using I = typename Lanes<W>::I;
  static constexpr std::uint64_t kZeroLast = ~std::uint64_t{0} >> 1;  // 2^63 - 1
  U lost{};
  I low = I{} + static_cast<std::int64_t>(kZeroLast);
  I high{};

  static std::int64_t low_key(std::uint64_t magnitude_bits) { return static_cast<std::int64_t>(magnitude_bits + kZeroLast); }

  // True when every nonzero result had a magnitude in [min_normal, max_finite] (patterns of the
  // format's smallest normal and largest finite value as binary64); then `inexact` tells whether
  // any discarded a bit.
  bool all_normal(std::uint64_t min_normal_bits, std::uint64_t max_finite_bits, bool& inexact) const {
    std::int64_t lo = low[0], hi = high[0];
    std::uint64_t any_lost = 0;
    for (std::size_t l = 0; l < W; ++l) lo = std::min(lo, low[l]), hi = std::max(hi, high[l]), any_lost |= lost[l];
    inexact = any_lost != 0;
    return lo >= low_key(min_normal_bits) && hi <= static_cast<std::int64_t>(max_finite_bits);
  }
};

// The fast rounding to a fast-path format, valid when the result is zero or normal in the format:
// Veltkamp's splitting, g = (2^(53-p) + 1) x, hi = g - (g - x), which is x rounded to p bits, to
// nearest with ties to even for p >= 2 (every format has M >= 1 stored bits; for p = 1 the ties
// would not go to even). Written g - (g - x) rather than g + (x - g) so that -0 stays -0. Three
// floating-point operations and five integer ones for the watch, no branch. It needs each
// operation rounded on its own: the project compiles with -ffp-contract=off, so no FMA fuses them.
template <bool TrackInexact, std::size_t W>
[[gnu::always_inline]] inline void round_lanes(typename Lanes<W>::D& x, const typename Lanes<W>::D& sigma, LaneWatch<W>& w) {
  using D = typename Lanes<W>::D;
  using U = typename Lanes<W>::U;
  using I = typename Lanes<W>::I;
  constexpr std::uint64_t sign = std::uint64_t{1} << 63;
  const D g = sigma * x;
  const D hi = g - (g - x);
  if constexpr (TrackInexact) w.lost |= (U)hi ^ (U)x;
  const U mag = (U)x & ~sign;
  const I key = (I)(mag + LaneWatch<W>::kZeroLast);
  w.low = key < w.low ? key : w.low;
  w.high = (I)mag > w.high ? (I)mag : w.high;
  x = hi;
}

// The binary64 sum s = a + b is exact iff its TwoSum error is zero.
template <std::size_t W>
[[gnu::always_inline]] inline void note_sum_error(const typename Lanes<W>::D& a, const typename Lanes<W>::D& b,
                                                  const typename Lanes<W>::D& s, LaneWatch<W>& w) {
  using D = typename Lanes<W>::D;
  using U = typename Lanes<W>::U;
  const D bb = s - a;
  const D err = (a - (s - bb)) + (b - bb);
  w.lost |= (U)err & ~(std::uint64_t{1} << 63);
}

// Steps are taken in blocks of kBlock. The state update is sequential in t (and vectorized over
// the state entries); the read-outs of a block's steps are independent of each other, so their
// sums run in lockstep, one lane per step (vectorized over steps). Each output's sum keeps its
// order, so every value is the one the sequential scan gives; the flags are their union.
inline constexpr std::size_t kScanBlock = 16;

// The state is padded with zeros to a multiple of kScanPad >= W (a = b = c = 0 there: the padded
// entries stay 0 and raise nothing).
inline constexpr std::size_t kScanPad = 8;

// One block on the fast rounding, steps t0 .. t0 + steps - 1: updates h (padded), leaves the
// outputs in out[0..steps) and what was seen in w. products (row per step) and by_entry (row per
// state entry) are the block's scratch.
template <std::size_t W, bool SumsExact, bool TrackInexact>
[[gnu::always_inline]] inline void fast_block(const typename Lanes<W>::D& sigma, const ScanParams<arith::SoftFloat>& p, std::size_t t0,
                                              std::size_t steps, const arith::SoftFloat* u, double* __restrict h,
                                              double* __restrict products, double* __restrict by_entry, double* __restrict out,
                                              LaneWatch<W>& w) {
  using D = typename Lanes<W>::D;
  constexpr std::size_t K = kScanBlock;
  const std::size_t n = p.state;
  const std::size_t np = (n + kScanPad - 1) / kScanPad * kScanPad;
  const bool scalar_decay = p.decay_kind == DecayKind::scalar;
  for (std::size_t k = 0; k < steps; ++k) {
    const std::size_t t = t0 + k;
    D ut;
    broadcast(ut, u[k].value());
    const arith::SoftFloat* at = scalar_decay ? &p.a[t] : &p.a[t * n];
    const arith::SoftFloat* bt = &p.b[t * n];
    const arith::SoftFloat* ct = &p.c[t * n];
    for (std::size_t j = 0; j < np; j += W) {
      const std::size_t count = j < n ? std::min(W, n - j) : 0;
      D a, b, c, hj;
      // A scalar decay in the padded lanes too: they multiply h = 0.
      if (scalar_decay)
        broadcast(a, at->value());
      else
        load_values(a, at, j, count);
      load_values(b, bt, j, count);
      load_values(c, ct, j, count);
      load_lanes(hj, h + j);
      D x = a * hj;
      round_lanes<TrackInexact, W>(x, sigma, w);
      D z = b * ut;
      round_lanes<TrackInexact, W>(z, sigma, w);
      D sum = x + z;
      if constexpr (!SumsExact && TrackInexact) note_sum_error<W>(x, z, sum, w);
      round_lanes<TrackInexact, W>(sum, sigma, w);
      store_lanes(h + j, sum);
      D product = c * sum;
      round_lanes<TrackInexact, W>(product, sigma, w);
      store_lanes(products + k * np + j, product);
    }
  }
  // Steps past the block's last one read zeros: 0 + 0 rounds to 0 and raises nothing.
  for (std::size_t k = steps; k < K; ++k)
    for (std::size_t s = 0; s < np; ++s) products[k * np + s] = 0.0;
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t k = 0; k < K; ++k) by_entry[s * K + k] = products[k * np + s];
  D acc[K / W];
  for (std::size_t j = 0; j < K / W; ++j) load_lanes(acc[j], by_entry + j * W);
  for (std::size_t s = 1; s < n; ++s) {
    for (std::size_t j = 0; j < K / W; ++j) {
      D row;
      load_lanes(row, by_entry + s * K + j * W);
      D sum = acc[j] + row;
      if constexpr (!SumsExact && TrackInexact) note_sum_error<W>(acc[j], row, sum, w);
      round_lanes<TrackInexact, W>(sum, sigma, w);
      acc[j] = sum;
    }
  }
  for (std::size_t j = 0; j < K / W; ++j) store_lanes(out + j * W, acc[j]);
}

// W: lanes per vector of the build. (A variant with n = 16 fixed at compile time was about 5 %
// slower than this one with n read at run time, and was removed.)
template <std::size_t W, bool SumsExact>
[[gnu::always_inline]] inline std::vector<arith::SoftFloat> soft_float_scan_body(const arith::SoftFloatArith& ar,
                                                                                const ScanParams<arith::SoftFloat>& p,
                                                                                std::span<const arith::SoftFloat> u,
                                                                                const RoundingSemantics& sem) {
  static_assert(kScanPad % W == 0 && kScanBlock % W == 0);
  using arith::SoftFloat;
  constexpr std::size_t K = kScanBlock;
  const std::size_t n = p.state;
  const std::size_t np = (n + kScanPad - 1) / kScanPad * kScanPad;
  const auto& fmt = ar.format();
  typename Lanes<W>::D sigma;
  broadcast(sigma, std::ldexp(1.0, 52 - fmt.man_bits) + 1);
  const std::uint64_t min_normal_bits = std::bit_cast<std::uint64_t>(std::ldexp(1.0, fmt.emin_normal()));
  const std::uint64_t max_finite_bits = std::bit_cast<std::uint64_t>(fmt.max_finite_double);
  // The state and its copies at the block's and the step's start (padded), the products and their
  // transpose, the outputs.
  std::vector<double> scratch(3 * np + 2 * K * np + K, 0.0);
  double* h = scratch.data();
  double* block_start = h + np;
  double* step_start = block_start + np;
  double* products = step_start + np;
  double* by_entry = products + K * np;
  double* out = by_entry + K * np;
  // Written by index: emplace_back was a call per output, not inlined in this large function.
  std::vector<SoftFloat> y(p.length);
  // Once inexact is raised (it is sticky), the blocks stop looking for discarded bits.
  bool inexact = false;
  for (std::size_t t0 = 0; t0 < p.length; t0 += K) {
    const std::size_t steps = std::min(K, p.length - t0);
    std::copy(h, h + np, block_start);
    LaneWatch<W> w;
    if (inexact)
      fast_block<W, SumsExact, false>(sigma, p, t0, steps, &u[t0], h, products, by_entry, out, w);
    else
      fast_block<W, SumsExact, true>(sigma, p, t0, steps, &u[t0], h, products, by_entry, out, w);
    bool lost = false;
    if (w.all_normal(min_normal_bits, max_finite_bits, lost)) [[likely]] {
      inexact |= lost;
      for (std::size_t k = 0; k < steps; ++k) y[t0 + k] = SoftFloat(out[k], &ar);
      continue;
    }
    // The block again, one step at a time from its first state: each step on the fast rounding
    // (a block of one step), and only a step whose watch saw a result outside the normal range by
    // the generic operations, in the same order. A block fails for one or two steps that
    // underflow (fp16's range is narrow: about one block in a hundred on the benchmark's scan),
    // and redoing all sixteen generically cost fp16 a sixth of its time.
    std::copy(block_start, block_start + np, h);
    for (std::size_t t = t0; t < t0 + steps; ++t) {
      std::copy(h, h + np, step_start);
      LaneWatch<W> ws;
      fast_block<W, SumsExact, true>(sigma, p, t, 1, &u[t], h, products, by_entry, out, ws);
      bool step_lost = false;
      if (ws.all_normal(min_normal_bits, max_finite_bits, step_lost)) {
        inexact |= step_lost;
        y[t] = SoftFloat(out[0], &ar);
        continue;
      }
      std::copy(step_start, step_start + np, h);
      for (std::size_t s = 0; s < n; ++s) {
        const SoftFloat hs(h[s], &ar);
        h[s] = dot(ar, 2, [&](std::size_t i) -> const SoftFloat& { return i == 0 ? p.decay(t, s) : p.key(t, s); },
                   [&](std::size_t i) -> const SoftFloat& { return i == 0 ? hs : u[t]; }, sem)
                   .value();
      }
      std::vector<SoftFloat> hv;
      hv.reserve(n);
      for (std::size_t s = 0; s < n; ++s) hv.emplace_back(h[s], &ar);
      y[t] = dot(ar, n, [&](std::size_t s) -> const SoftFloat& { return p.query(t, s); },
                 [&](std::size_t s) -> const SoftFloat& { return hv[s]; }, sem);
    }
  }
  if (inexact) ar.raise(arith::Flag::inexact);
  return y;
}

// The same code compiled for three instruction sets: the baseline x86-64 (SSE2, two lanes of
// binary64) and, chosen at run time on processors that have them, AVX2 (four lanes) and AVX-512
// (eight lanes). The integer and floating-point operations are the same in all three, so are the
// values and flags (each build is tested against the generic scan); only the vector width
// differs. Elsewhere (not x86-64, not GCC) the baseline build is the only one.
enum class ScanIsa { baseline, avx2, avx512 };

template <bool SumsExact>
std::vector<arith::SoftFloat> soft_float_scan_baseline(const arith::SoftFloatArith& ar, const ScanParams<arith::SoftFloat>& p,
                                                       std::span<const arith::SoftFloat> u, const RoundingSemantics& sem) {
  return soft_float_scan_body<2, SumsExact>(ar, p, u, sem);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define FREELUNCH_SCAN_ISAS 1
template <bool SumsExact>
[[gnu::target("avx2")]] std::vector<arith::SoftFloat> soft_float_scan_avx2(const arith::SoftFloatArith& ar,
                                                                          const ScanParams<arith::SoftFloat>& p,
                                                                          std::span<const arith::SoftFloat> u,
                                                                          const RoundingSemantics& sem) {
  return soft_float_scan_body<4, SumsExact>(ar, p, u, sem);
}
template <bool SumsExact>
[[gnu::target("avx512f,avx512vl,avx512dq,avx2,prefer-vector-width=512")]] std::vector<arith::SoftFloat> soft_float_scan_avx512(
    const arith::SoftFloatArith& ar, const ScanParams<arith::SoftFloat>& p, std::span<const arith::SoftFloat> u,
    const RoundingSemantics& sem) {
  return soft_float_scan_body<8, SumsExact>(ar, p, u, sem);
}
#endif

// The widest build this processor runs.
inline ScanIsa best_scan_isa() {
#ifdef FREELUNCH_SCAN_ISAS
  static const ScanIsa isa = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")
                                 ? ScanIsa::avx512
                             : __builtin_cpu_supports("avx2") ? ScanIsa::avx2
                                                              : ScanIsa::baseline;
  return isa;
#else
  return ScanIsa::baseline;
#endif
}

// The kernel in one build; precondition: the processor runs it (isa <= best_scan_isa()).
template <bool SumsExact>
std::vector<arith::SoftFloat> soft_float_scan_on(ScanIsa isa, const arith::SoftFloatArith& ar, const ScanParams<arith::SoftFloat>& p,
                                                 std::span<const arith::SoftFloat> u, const RoundingSemantics& sem) {
#ifdef FREELUNCH_SCAN_ISAS
  if (isa == ScanIsa::avx512) return soft_float_scan_avx512<SumsExact>(ar, p, u, sem);
  if (isa == ScanIsa::avx2) return soft_float_scan_avx2<SumsExact>(ar, p, u, sem);
#else
  (void)isa;
#endif
  return soft_float_scan_baseline<SumsExact>(ar, p, u, sem);
}

template <bool SumsExact>
std::vector<arith::SoftFloat> soft_float_scan(const arith::SoftFloatArith& ar, const ScanParams<arith::SoftFloat>& p,
                                              std::span<const arith::SoftFloat> u, const RoundingSemantics& sem) {
  return soft_float_scan_on<SumsExact>(best_scan_isa(), ar, p, u, sem);
}

}  // namespace detail

// The batched scan when it applies (a fast-path format other than binary64, per-operation
// rounding, sequential order); none otherwise. Without the skip term D, which the caller adds.
inline bool soft_float_scan_applies(const arith::SoftFloatArith& ar, const RoundingSemantics& sem) {
  return !ar.is_binary64() && sem.dot == RoundingSemantics::Dot::per_operation && sem.order == RoundingSemantics::Order::sequential;
}

inline std::vector<arith::SoftFloat> soft_float_scan(const arith::SoftFloatArith& ar, const ScanParams<arith::SoftFloat>& p,
                                                     std::span<const arith::SoftFloat> u, const RoundingSemantics& sem) {
  return ar.sums_exact() ? detail::soft_float_scan<true>(ar, p, u, sem) : detail::soft_float_scan<false>(ar, p, u, sem);
}

}  // namespace freelunch::models
