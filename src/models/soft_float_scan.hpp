#pragma once
// The selective scan for emulated formats on their binary64 fast path (SoftFloatArith, not
// binary64 itself), batched: the same operations in the same order as the generic scan
// (per-operation rounding, sequential sums), with the same values and the same sticky flags,
// at a fraction of the cost.
//
// How. Values are plain doubles (a format value is exact in binary64). Each block of
// kScanBlock time steps runs first on a rounding without data-dependent branches, which assumes
// every result is zero or in the format's normal binades without overflow: the state update then
// vectorizes over the state entries, and the read-out sums over the block's steps (one lane per
// step: each sum is a dependent chain, and the chains of different steps are independent).
// Discarded bits and TwoSum errors are OR-ed into one word (inexact iff nonzero) and the sign bit
// of another word records whether the assumption failed. If it failed, the block is redone from
// its first state by the generic SoftFloat operations, which raise every flag exactly as the
// generic scan does; if not, the only flag the block can raise is inexact. Products of two values of a fast-path format
// (p <= 25) are exact in binary64, so only sums need TwoSum, and not even those when every sum of
// the format is exact in binary64 (SoftFloatArith::sums_exact: fp16, e5m2, e4m3).
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

// Eight binary64 lanes as a GCC vector: one AVX-512 register, two AVX2 ones, four SSE2 ones in
// the baseline build. Written as vectors rather than left to the auto-vectorizer, which chose
// two-lane vectors for the read-out and scalar copies for the parameters.
inline constexpr std::size_t kScanLanes = 8;
typedef double ScanLanes __attribute__((vector_size(8 * kScanLanes)));
typedef std::uint64_t ScanBits __attribute__((vector_size(8 * kScanLanes)));

// x in every lane. (Not ScanLanes{} + x, which turns -0 into +0.)
[[gnu::always_inline]] inline void broadcast(ScanLanes& v, double x) {
  for (std::size_t l = 0; l < kScanLanes; ++l) v[l] = x;
}
[[gnu::always_inline]] inline void load_lanes(ScanLanes& v, const double* p) { std::memcpy(&v, p, sizeof v); }
[[gnu::always_inline]] inline void store_lanes(double* p, const ScanLanes& v) { std::memcpy(p, &v, sizeof v); }

// The values of `count` consecutive SoftFloats (count <= 8), zero in the lanes past them. A
// SoftFloat is a double followed by its context pointer: eight of them are sixteen words, and
// the values are the even ones.
[[gnu::always_inline]] inline void load_values(ScanLanes& v, const arith::SoftFloat* p, std::size_t count) {
  static_assert(sizeof(arith::SoftFloat) == 16 && std::is_trivially_copyable_v<arith::SoftFloat>);
  if (count == kScanLanes) {
    ScanLanes lo, hi;
    std::memcpy(&lo, p, sizeof lo);
    std::memcpy(&hi, p + kScanLanes / 2, sizeof hi);
    v = __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14);
    return;
  }
  v = ScanLanes{};
  for (std::size_t l = 0; l < count; ++l) v[l] = p[l].value();
}

// What a block's fast operations saw, per lane: the bits they discarded (inexact iff any is
// nonzero) and the range of the magnitudes they rounded, which tells whether every result was
// zero or in the format's normal binades without overflow.
struct LaneWatch {
  ScanBits lost{};
  ScanBits low = ~ScanBits{};  // min over the results of (|x| bits) - 1: zero wraps to the largest value
  ScanBits high{};             // max over the results of |x| bits
};

// The fast rounding to a fast-path format with p >= 2, valid when the result is zero or normal in
// the format: Veltkamp's splitting, g = (2^(53-p) + 1) x, hi = g - (g - x), which is x rounded to
// p bits, to nearest with ties to even for p >= 2 (every format here has M >= 1 stored bits; for
// p = 1 the ties would not go to even). Written g - (g - x) rather than g + (x - g) so that -0 stays -0. Three
// floating-point operations and five integer ones for the watch, no branch.
template <bool TrackInexact>
[[gnu::always_inline]] inline void round_lanes(ScanLanes& x, const ScanLanes& sigma, LaneWatch& w) {
  constexpr std::uint64_t sign = std::uint64_t{1} << 63;
  const ScanLanes g = sigma * x;
  const ScanLanes hi = g - (g - x);
  if constexpr (TrackInexact) w.lost |= (ScanBits)hi ^ (ScanBits)x;
  const ScanBits mag = (ScanBits)x & ~sign;
  const ScanBits below = mag - 1;
  w.low = below < w.low ? below : w.low;
  w.high = mag > w.high ? mag : w.high;
  x = hi;
}

// The binary64 sum s = a + b is exact iff its TwoSum error is zero.
[[gnu::always_inline]] inline void note_sum_error(const ScanLanes& a, const ScanLanes& b, const ScanLanes& s, LaneWatch& w) {
  const ScanLanes bb = s - a;
  const ScanLanes err = (a - (s - bb)) + (b - bb);
  w.lost |= (ScanBits)err & ~(std::uint64_t{1} << 63);
}

// Steps are taken in blocks of kBlock. The state update is sequential in t (and vectorized over
// the state entries); the read-outs of a block's steps are independent of each other, so their
// sums run in lockstep, one lane per step (vectorized over steps). Each output's sum keeps its
// order, so every value is the one the sequential scan gives; the flags are their union.
inline constexpr std::size_t kScanBlock = 16;

// One block on the fast rounding, steps t0 .. t0 + steps - 1: updates h (n entries padded with
// zeros to a multiple of the lanes), leaves the outputs in out[0..steps) and what was seen in w.
// products (row per step) and by_entry (row per state entry) are the block's scratch.
template <bool SumsExact, bool TrackInexact, std::size_t FixedN>
[[gnu::always_inline]] inline void fast_block(const ScanLanes& sigma, const ScanParams<arith::SoftFloat>& p, std::size_t t0,
                                              std::size_t steps, const arith::SoftFloat* u, double* __restrict h,
                                              double* __restrict products, double* __restrict by_entry, double* __restrict out,
                                              LaneWatch& w) {
  constexpr std::size_t K = kScanBlock;
  constexpr std::size_t L = kScanLanes;
  const std::size_t n = FixedN ? FixedN : p.state;
  const std::size_t np = (n + L - 1) / L * L;
  const bool scalar_decay = p.decay_kind == DecayKind::scalar;
  for (std::size_t k = 0; k < steps; ++k) {
    const std::size_t t = t0 + k;
    ScanLanes ut;
    broadcast(ut, u[k].value());
    const arith::SoftFloat* at = scalar_decay ? &p.a[t] : &p.a[t * n];
    const arith::SoftFloat* bt = &p.b[t * n];
    const arith::SoftFloat* ct = &p.c[t * n];
    for (std::size_t j = 0; j < np; j += L) {
      const std::size_t count = std::min(L, n - j);
      ScanLanes a, b, c, hj;
      // A scalar decay in the padded lanes too: they multiply h = 0.
      if (scalar_decay)
        broadcast(a, at->value());
      else
        load_values(a, at + j, count);
      load_values(b, bt + j, count);
      load_values(c, ct + j, count);
      load_lanes(hj, h + j);
      ScanLanes x = a * hj;
      round_lanes<TrackInexact>(x, sigma, w);
      ScanLanes z = b * ut;
      round_lanes<TrackInexact>(z, sigma, w);
      ScanLanes sum = x + z;
      if constexpr (!SumsExact && TrackInexact) note_sum_error(x, z, sum, w);
      round_lanes<TrackInexact>(sum, sigma, w);
      store_lanes(h + j, sum);
      ScanLanes product = c * sum;
      round_lanes<TrackInexact>(product, sigma, w);
      store_lanes(products + k * np + j, product);
    }
  }
  // Steps past the block's last one read zeros: 0 + 0 rounds to 0 and raises nothing.
  for (std::size_t k = steps; k < K; ++k)
    for (std::size_t s = 0; s < np; ++s) products[k * np + s] = 0.0;
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t k = 0; k < K; ++k) by_entry[s * K + k] = products[k * np + s];
  ScanLanes acc[K / L];
  for (std::size_t j = 0; j < K / L; ++j) load_lanes(acc[j], by_entry + j * L);
  for (std::size_t s = 1; s < n; ++s) {
    for (std::size_t j = 0; j < K / L; ++j) {
      ScanLanes row;
      load_lanes(row, by_entry + s * K + j * L);
      ScanLanes sum = acc[j] + row;
      if constexpr (!SumsExact && TrackInexact) note_sum_error(acc[j], row, sum, w);
      round_lanes<TrackInexact>(sum, sigma, w);
      acc[j] = sum;
    }
  }
  for (std::size_t j = 0; j < K / L; ++j) store_lanes(out + j * L, acc[j]);
}

// FixedN: the state size when it is known at compile time (0: p.state, read at run time).
template <bool SumsExact, std::size_t FixedN = 0>
[[gnu::always_inline]] inline std::vector<arith::SoftFloat> soft_float_scan_body(const arith::SoftFloatArith& ar,
                                                                                const ScanParams<arith::SoftFloat>& p,
                                                                                std::span<const arith::SoftFloat> u,
                                                                                const RoundingSemantics& sem) {
  using arith::SoftFloat;
  constexpr std::size_t K = kScanBlock;
  constexpr std::size_t L = kScanLanes;
  const std::size_t n = FixedN ? FixedN : p.state;
  const std::size_t np = (n + L - 1) / L * L;
  const auto& fmt = ar.format();
  ScanLanes sigma;
  broadcast(sigma, std::ldexp(1.0, 52 - fmt.man_bits) + 1);
  // Every nonzero magnitude at least the smallest normal's, none above the largest finite value.
  const std::uint64_t low_ok = std::bit_cast<std::uint64_t>(std::ldexp(1.0, fmt.emin_normal())) - 1;
  const std::uint64_t high_ok = std::bit_cast<std::uint64_t>(fmt.max_finite_double);
  // The state and its copy at the block's start (padded), the products and their transpose, the outputs.
  std::vector<double> scratch(2 * np + 2 * K * np + K, 0.0);
  double* h = scratch.data();
  double* block_start = h + np;
  double* products = block_start + np;
  double* by_entry = products + K * np;
  double* out = by_entry + K * np;
  std::vector<SoftFloat> y;
  y.reserve(p.length);
  // Once inexact is raised (it is sticky), the blocks stop looking for discarded bits.
  bool inexact = false;
  for (std::size_t t0 = 0; t0 < p.length; t0 += K) {
    const std::size_t steps = std::min(K, p.length - t0);
    std::copy(h, h + np, block_start);
    LaneWatch w;
    if (inexact)
      fast_block<SumsExact, false, FixedN>(sigma, p, t0, steps, &u[t0], h, products, by_entry, out, w);
    else
      fast_block<SumsExact, true, FixedN>(sigma, p, t0, steps, &u[t0], h, products, by_entry, out, w);
    std::uint64_t low = w.low[0], high = w.high[0], lost = 0;
    for (std::size_t l = 0; l < L; ++l) low = std::min(low, w.low[l]), high = std::max(high, w.high[l]), lost |= w.lost[l];
    if (low >= low_ok && high <= high_ok) [[likely]] {
      inexact |= lost != 0;
      for (std::size_t k = 0; k < steps; ++k) y.emplace_back(out[k], &ar);
      continue;
    }
    // The careful block: the generic operations, in the same order, from the block's first state.
    std::copy(block_start, block_start + np, h);
    for (std::size_t t = t0; t < t0 + steps; ++t) {
      for (std::size_t s = 0; s < n; ++s) {
        const SoftFloat hs(h[s], &ar);
        h[s] = dot(ar, 2, [&](std::size_t i) -> const SoftFloat& { return i == 0 ? p.decay(t, s) : p.key(t, s); },
                   [&](std::size_t i) -> const SoftFloat& { return i == 0 ? hs : u[t]; }, sem)
                   .value();
      }
      std::vector<SoftFloat> hv;
      hv.reserve(n);
      for (std::size_t s = 0; s < n; ++s) hv.emplace_back(h[s], &ar);
      y.push_back(dot(ar, n, [&](std::size_t s) -> const SoftFloat& { return p.query(t, s); },
                      [&](std::size_t s) -> const SoftFloat& { return hv[s]; }, sem));
    }
  }
  if (inexact) ar.raise(arith::Flag::inexact);
  return y;
}

// Mamba's state size (d_state = 16) as a constant, so that the loops over the state entries
// unroll into whole vectors (about 15 % of the time at n = 16); any other n runs the same code
// with n read at run time.
inline constexpr std::size_t kUnrolledState = 16;

template <bool SumsExact>
[[gnu::always_inline]] inline std::vector<arith::SoftFloat> soft_float_scan_sized(const arith::SoftFloatArith& ar,
                                                                                 const ScanParams<arith::SoftFloat>& p,
                                                                                 std::span<const arith::SoftFloat> u,
                                                                                 const RoundingSemantics& sem) {
  if (p.state == kUnrolledState) return soft_float_scan_body<SumsExact, kUnrolledState>(ar, p, u, sem);
  return soft_float_scan_body<SumsExact>(ar, p, u, sem);
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
  return soft_float_scan_sized<SumsExact>(ar, p, u, sem);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define FREELUNCH_SCAN_ISAS 1
template <bool SumsExact>
[[gnu::target("avx2")]] std::vector<arith::SoftFloat> soft_float_scan_avx2(const arith::SoftFloatArith& ar,
                                                                          const ScanParams<arith::SoftFloat>& p,
                                                                          std::span<const arith::SoftFloat> u,
                                                                          const RoundingSemantics& sem) {
  return soft_float_scan_sized<SumsExact>(ar, p, u, sem);
}
template <bool SumsExact>
[[gnu::target("avx512f,avx512vl,avx512dq,avx2,prefer-vector-width=512")]] std::vector<arith::SoftFloat> soft_float_scan_avx512(
    const arith::SoftFloatArith& ar, const ScanParams<arith::SoftFloat>& p, std::span<const arith::SoftFloat> u,
    const RoundingSemantics& sem) {
  return soft_float_scan_sized<SumsExact>(ar, p, u, sem);
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
