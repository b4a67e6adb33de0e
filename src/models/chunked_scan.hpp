#pragma once
// Mamba-2's chunked algorithm (state space duality, Dao and Gu 2024; THEORY §5, S2) for a scan
// with scalar decays, h_t = a_t h_(t−1) + B_t x_t, y_t = C_t · h_t (+ D x_t), h_0 = 0.
//
// Positions are cut into chunks of Q (the last may be shorter). For the chunk s+1..s+Q, with h_s
// the state after the previous chunk and L(i, j) = a_(j+1) a_(j+2) ... a_i (L(i, i) = 1):
//   intra  y_i = sum over j = s+1..i, ascending, of ((C_i · B_j) · L(i, j)) · x_j
//   inter  y_i = intra + C_i · (L(i, s) h_s)
//   state  h_(s+Q) = L(s+Q, s) h_s + sum over j = s+1..s+Q, ascending, of L(s+Q, j) (B_j x_j)
// Rounding, per operation, in exactly this order: every product and sum is one rounding, the sums
// over j run ascending from their first term (THEORY pins them: they do not follow the
// semantics' pairwise order), and the dot products C_i · B_j and C_i · (L h_s) go through
// models::dot (left to right, or as the semantics says). L(i, j) is formed by
//   Segsum::products  multiplying a_(j+1), ..., a_i in order (left to right), or
//   Segsum::cumsum    exp(cs_i − cs_j) with cs the running sum of log a within the chunk
//                     (cs_s = 0, cs_i = cs_(i−1) + log a_i), as the fused kernels do; this needs
//                     exp and log (no `exact`: use intervals for a certified reference).
//                     When the layer gives log a_t itself (Mamba-2 parametrizes a_t = exp(Δ_t A)
//                     and the kernels sum Δ_t A), pass those as `log_decays`: cs then sums them
//                     and no log is taken.
// In exact arithmetic, products mode equals the recurrence for every Q (the semiseparable
// identity); the tool checks that by running both, not by algebra.
//
// Cost, counted as executed (models::Counters): per chunk of length q, q(q+1)/2 dot products of
// length n for C_i · B_j plus two multiply-adds per term, n + n per position for the inter term,
// and n(q + 1) for the state; the decays L are products (not multiply-adds) and not counted. The
// state held: n numbers plus the q accumulators of the chunk.
//
// ChunkedFault is for falsifiers only: a deliberately wrong algorithm that the identity check
// must reject (drop the inter-chunk term, or use L(i, s+1) for L(i, s) in it).
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "arith/arithmetic.hpp"
#include "arith/errors.hpp"
#include "core/cancel.hpp"
#include "models/counters.hpp"
#include "models/dot.hpp"
#include "models/rounding_semantics.hpp"
#include "models/scan_params.hpp"
#include "models/transcendental.hpp"

namespace freelunch::models {

enum class Segsum { products, cumsum };
enum class ChunkedFault { none, drop_inter, inter_decay_off_by_one };

inline std::string to_string(Segsum s) { return s == Segsum::products ? "products" : "cumsum"; }

namespace detail {

// The decays of one chunk as the chosen mode forms them: decay_from(j, i) = L(i, j) for
// chunk_begin − 1 <= j <= i < chunk_end (0-based positions; j = chunk_begin − 1 is "s").
template <arith::Arithmetic A>
class ChunkDecays {
 public:
  using V = typename A::value_type;
  ChunkDecays(const A& ar, const ScanParams<V>& p, std::span<const V> log_decays, std::size_t begin, std::size_t end, Segsum mode)
      : ar_(ar), p_(p), begin_(begin), end_(end), mode_(mode) {
    if (mode == Segsum::cumsum) {
      if constexpr (arith::TranscendentalArithmetic<A>) {
        cs_.push_back(ar.from_int(0));  // cs_s
        for (std::size_t i = begin; i < end; ++i) cs_.push_back(cs_.back() + (log_decays.empty() ? ar.log(p.a[i]) : log_decays[i]));
      } else {
        no_transcendental(ar, "the cumsum segment sum (exp and log of the decays)");
      }
    }
  }

  // f(i, L(i, j)) for i = j + 1, ..., end − 1 in order, given j + 1 (j + 1 = begin: the decays
  // L(i, s) from the previous chunk's last position s). L(j, j) = 1 is the caller's.
  template <class F>
  void for_each_from(std::size_t j_plus_one, F&& f) const {
    if (mode_ == Segsum::products) {
      V l = ar_.from_int(1);
      bool first = true;
      for (std::size_t i = j_plus_one; i < end_; ++i) {
        l = first ? p_.a[i] : l * p_.a[i];  // a_(j+1) itself, then one rounding per factor
        first = false;
        f(i, l);
      }
    } else {
      if constexpr (arith::TranscendentalArithmetic<A>) {
        const V& cs_j = cs_[j_plus_one - begin_];
        for (std::size_t i = j_plus_one; i < end_; ++i) f(i, ar_.exp(cs_[i + 1 - begin_] - cs_j));
      }
    }
  }

 private:
  const A& ar_;
  const ScanParams<V>& p_;
  std::size_t begin_, end_;
  Segsum mode_;
  std::vector<V> cs_;  // cs_s, cs_(s+1), ..., cs_(s+q)
};

}  // namespace detail

// y_1..y_N by the chunked algorithm with chunk size `chunk` >= 1. `log_decays`: empty, or log a_t
// for every position as the layer gives it (cumsum mode sums them instead of taking log a_t).
template <arith::Arithmetic A>
std::vector<typename A::value_type> chunked_scan(const A& ar, const ScanParams<typename A::value_type>& p, std::span<const typename A::value_type> u,
                                                 std::size_t chunk, Segsum mode, const RoundingSemantics& sem, Counters* counters = nullptr,
                                                 ChunkedFault fault = ChunkedFault::none, std::span<const typename A::value_type> log_decays = {}) {
  using V = typename A::value_type;
  p.check_shapes();
  if (p.decay_kind != DecayKind::scalar) throw UsageError("the chunked algorithm (SSD) needs scalar decays (one a_t per position)");
  if (chunk == 0) throw UsageError("the chunk size Q must be at least 1");
  if (u.size() != p.length) throw UsageError("input length " + std::to_string(u.size()) + " != N = " + std::to_string(p.length));
  if (!log_decays.empty() && log_decays.size() != p.length)
    throw UsageError(std::to_string(log_decays.size()) + " log decays for N = " + std::to_string(p.length));
  const std::size_t n = p.state, N = p.length;
  std::vector<V> h(n, ar.from_int(0)), y;
  y.reserve(N);
  for (std::size_t begin = 0; begin < N; begin += chunk) {
    throw_if_cancelled();
    const std::size_t end = std::min(N, begin + chunk), q = end - begin;
    if (counters) counters->hold(n + q);
    const detail::ChunkDecays<A> decays(ar, p, log_decays, begin, end, mode);
    // intra: for each j ascending, its term for every i >= j, so each y_i receives its terms in
    // ascending j; the first (j = begin) starts every accumulator. The same pass keeps
    // L(end − 1, j), which the state needs (L(end − 1, end − 1) = 1).
    std::vector<V> acc, to_end;
    acc.reserve(q);
    to_end.reserve(q);
    auto add_term = [&](std::size_t i, std::size_t j, const V& l) {
      const V g = dot(ar, n, [&](std::size_t k) -> const V& { return p.query(i, k); }, [&](std::size_t k) -> const V& { return p.key(j, k); }, sem, counters);
      V term = (g * l) * u[j];
      if (counters) counters->mul_adds += 2;
      if (j == begin) acc.push_back(std::move(term));
      else acc[i - begin] = acc[i - begin] + term;
    };
    for (std::size_t j = begin; j < end; ++j) {
      const V one = ar.from_int(1);
      add_term(j, j, one);  // L(j, j) = 1
      V last = one;
      decays.for_each_from(j + 1, [&](std::size_t i, const V& l) {
        add_term(i, j, l);
        if (i + 1 == end) last = l;
      });
      to_end.push_back(std::move(last));
    }
    // inter: L(i, s) h_s, then its dot with C_i, added to the intra sum. The falsifiers replace
    // L(i, s) by L(i, s + 1) or drop the term.
    std::vector<V> from_s;  // L(i, s) for i = begin..end − 1
    from_s.reserve(q);
    const std::size_t inter_from = fault == ChunkedFault::inter_decay_off_by_one ? begin + 1 : begin;
    if (inter_from > begin) from_s.push_back(ar.from_int(1));  // L(begin, begin) = 1
    decays.for_each_from(inter_from, [&](std::size_t, const V& l) { from_s.push_back(l); });
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t r = i - begin;
      if (fault != ChunkedFault::drop_inter) {
        std::vector<V> lh;
        lh.reserve(n);
        for (std::size_t k = 0; k < n; ++k) lh.push_back(from_s[r] * h[k]);
        const V w = dot(ar, n, [&](std::size_t k) -> const V& { return p.query(i, k); }, [&](std::size_t k) -> const V& { return lh[k]; }, sem, counters);
        if (counters) counters->mul_adds += n;
        acc[r] = acc[r] + w;
      }
      V out = acc[r];
      if (p.skip) {
        out = out + *p.skip * u[i];
        if (counters) counters->mul_adds += 1;
      }
      y.push_back(std::move(out));
    }
    // state: L(end − 1, s) h_s, then + L(end − 1, j) (B_j x_j) for j ascending.
    const V& whole = from_s.back();
    for (std::size_t k = 0; k < n; ++k) {
      V next = whole * h[k];
      for (std::size_t j = begin; j < end; ++j) next = next + to_end[j - begin] * (p.key(j, k) * u[j]);
      h[k] = std::move(next);
    }
    if (counters) counters->mul_adds += n * (q + 1);
  }
  return y;
}

}  // namespace freelunch::models
