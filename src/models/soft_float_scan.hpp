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
#include <cstdint>
#include <span>
#include <vector>

#include "arith/soft_float.hpp"
#include "models/counters.hpp"
#include "models/dot.hpp"
#include "models/rounding_semantics.hpp"
#include "models/scan_params.hpp"

namespace freelunch::models {

namespace detail {

// The fast rounding to a fast-path format, as SoftFloatArith::round computes it for normal
// results, branch-free and without 64-bit compares (so that loops over it vectorize).
struct BatchRounder {
  int drop;                  // 52 - M
  std::int64_t min_biased;   // biased binary64 exponent of the smallest normal
  std::uint64_t max_bits;    // pattern of the largest finite value

  double operator()(double x, std::uint64_t& lost, std::uint64_t& unusual) const {
    constexpr std::uint64_t sign = std::uint64_t{1} << 63;
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    const std::uint64_t mag = bits & ~sign;
    const std::uint64_t mask = (std::uint64_t{1} << drop) - 1;
    lost |= mag & mask;
    const std::uint64_t rounded = (mag + (mask >> 1) + ((mag >> drop) & 1)) & ~mask;
    const std::uint64_t nonzero = ((mag - 1) >> 63) - 1;  // all ones unless mag == 0
    const std::int64_t below = static_cast<std::int64_t>(mag >> 52) - min_biased;  // < 0: subnormal in F
    const std::int64_t above = static_cast<std::int64_t>(max_bits) - static_cast<std::int64_t>(rounded);  // < 0: overflow, inf, NaN
    unusual |= static_cast<std::uint64_t>(below | above) & nonzero;
    return std::bit_cast<double>(rounded | (bits & sign));
  }
};

inline void note_sum_error(double a, double b, double s, std::uint64_t& lost) {
  const double bb = s - a;
  const double err = (a - (s - bb)) + (b - bb);
  lost |= std::bit_cast<std::uint64_t>(err) & ~(std::uint64_t{1} << 63);
}

// Steps are taken in blocks of kBlock. The state update is sequential in t (and vectorized over
// the state entries); the read-outs of a block's steps are independent of each other, so their
// sums run in lockstep, one lane per step (vectorized over steps). Each output's sum keeps its
// order, so every value is the one the sequential scan gives; the flags are their union.
inline constexpr std::size_t kScanBlock = 16;

// FixedN: the state size when it is known at compile time (0: p.state, read at run time).
template <bool SumsExact, std::size_t FixedN = 0>
[[gnu::always_inline]] inline std::vector<arith::SoftFloat> soft_float_scan_body(const arith::SoftFloatArith& ar,
                                                                                const ScanParams<arith::SoftFloat>& p,
                                                                                std::span<const arith::SoftFloat> u,
                                                                                const RoundingSemantics& sem) {
  using arith::SoftFloat;
  constexpr std::size_t K = kScanBlock;
  const std::size_t n = FixedN ? FixedN : p.state;
  const auto& fmt = ar.format();
  const BatchRounder fast{52 - fmt.man_bits, 1023 + fmt.emin_normal(), std::bit_cast<std::uint64_t>(fmt.max_finite_double)};
  std::vector<double> h(n, 0.0), block_start(n), a(n), b(n), c(n);
  std::vector<double> products(n * K, 0.0);  // products[s * K + k]: c_t[s] h_t[s] for step t = t0 + k
  std::vector<SoftFloat> y;
  y.reserve(p.length);
  bool any_inexact = false;
  for (std::size_t t0 = 0; t0 < p.length; t0 += K) {
    const std::size_t steps = std::min(K, p.length - t0);
    std::uint64_t lost = 0, unusual = 0;
    for (std::size_t s = 0; s < n; ++s) block_start[s] = h[s];
    for (std::size_t k = 0; k < steps; ++k) {
      const std::size_t t = t0 + k;
      for (std::size_t s = 0; s < n; ++s) {
        a[s] = p.decay(t, s).value();
        b[s] = p.key(t, s).value();
        c[s] = p.query(t, s).value();
      }
      const double ut = u[t].value();
      for (std::size_t s = 0; s < n; ++s) {
        const double x = fast(a[s] * h[s], lost, unusual);
        const double z = fast(b[s] * ut, lost, unusual);
        const double sum = x + z;
        if constexpr (!SumsExact) note_sum_error(x, z, sum, lost);
        h[s] = fast(sum, lost, unusual);
      }
      for (std::size_t s = 0; s < n; ++s) products[s * K + k] = fast(c[s] * h[s], lost, unusual);
    }
    // Lanes past the block's last step hold zeros: 0 + 0 rounds to 0 and raises nothing.
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t k = steps; k < K; ++k) products[s * K + k] = 0.0;
    double acc[K];
    for (std::size_t k = 0; k < K; ++k) acc[k] = products[k];
    for (std::size_t s = 1; s < n; ++s) {
      const double* row = &products[s * K];
      for (std::size_t k = 0; k < K; ++k) {
        const double sum = acc[k] + row[k];
        if constexpr (!SumsExact) note_sum_error(acc[k], row[k], sum, lost);
        acc[k] = fast(sum, lost, unusual);
      }
    }
    if ((unusual >> 63) == 0) [[likely]] {
      any_inexact |= lost != 0;
      for (std::size_t k = 0; k < steps; ++k) y.emplace_back(acc[k], &ar);
      continue;
    }
    // The careful block: the generic operations, in the same order, from the block's first state.
    for (std::size_t s = 0; s < n; ++s) h[s] = block_start[s];
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
  if (any_inexact) ar.raise(arith::Flag::inexact);
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
