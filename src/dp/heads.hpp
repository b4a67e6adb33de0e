#pragma once
// The read heads of the models in model.hpp, one per dependency, fed the stream one token at a
// time: absorb(t, u) takes the token of position t (state update, or KV-cache append), read(t, j)
// returns the model's copy of the token at position j <= t after position t was absorbed.
//
// Costs are counted by the heads where the work is done, from the sizes of the loops they run:
//   slot / cyclic channel   n numbers of state; 2n multiply-adds per absorb (a h + b u for every
//                           entry, dense, as a scan kernel does), n per read (c · h, dense)
//   softmax head            4 numbers per cached position (key of 3, value of 1); 4 multiply-adds
//                           per attended position per read (3 for the logit, 1 for the weighted
//                           sum; exp and the normalization are not multiply-adds)
// With numeric = false a head counts without computing (the cost sweeps: counts do not depend on
// the values); tests check that both modes count the same.
#include <algorithm>
#include <map>
#include <cstddef>
#include <optional>
#include <vector>

#include "arith/arithmetic.hpp"
#include "arith/errors.hpp"
#include "models/counters.hpp"
#include "models/dot.hpp"
#include "models/rounding_semantics.hpp"
#include "models/softmax_attention.hpp"
#include "models/storage.hpp"

namespace freelunch::dp {

template <arith::Arithmetic A>
typename A::value_type stored(const A& ar, const Rational& q, const models::RoundingSemantics& sem) {
  return ar.from_rational(models::through_storage(q, sem));
}

// An SSM channel with scalar decay a = 2^decay_log2 and n slots. Key of position t: key(t) times
// e_slot(t); query reading position j at step t: query(t, j) times e_slot(j). The two layouts
// differ in slot(t) and in the exponents, given by the subclass-free description below.
template <arith::Arithmetic A>
class SsmChannel {
 public:
  using V = typename A::value_type;
  // slots: n. cyclic: slot(t) = t mod n, key 1, query a^-(t - j) (mamba-local); otherwise slot(t)
  // = t, key a^-κ_t, query a^(κ_j - (t - j)) (mamba-general; kappa gives κ per position).
  // slot_map (non-cyclic only; empty: slot(t) = t): the entry position t is written to, or none
  // (key 0, and a read of t is 0: query 0). Writing to a mapped entry clears it first (decay 0 on
  // that entry at that position), so entries are reused exactly: a position-only layer whose
  // parameters depend on t alone, as L1 allows.
  SsmChannel(const A& ar, std::size_t slots, long decay_log2, bool cyclic, std::vector<long> kappa,
             const models::RoundingSemantics& sem, bool numeric, std::vector<std::optional<std::size_t>> slot_map = {})
      : ar_(ar), n_(slots), decay_log2_(decay_log2), cyclic_(cyclic), kappa_(std::move(kappa)), slot_map_(std::move(slot_map)),
        sem_(sem), numeric_(numeric), zero_(ar.from_int(0)), decay_(stored(ar, pow2(decay_log2), sem)) {
    if (numeric_) h_.assign(n_, zero_);
  }

  std::size_t state_numbers() const { return n_; }

  void absorb(std::size_t t, const V& u, models::Counters& counters) {
    counters.mul_adds += 2 * n_;
    if (!numeric_) return;
    const std::optional<std::size_t> target = slot(t);
    const bool clear = !slot_map_.empty();  // a mapped entry is cleared when written
    const V key = power(cyclic_ ? 0 : -kappa_[t]);
    if constexpr (A::is_exact) {
      // Exact: every semantics gives the same value, and the zero terms b_s u (s != target) add
      // nothing; skip them (they are counted above all the same).
      for (V& x : h_) x *= decay_;
      if (target && clear) h_[*target] = key * u;
      else if (target) h_[*target] += key * u;
      return;
    }
    for (std::size_t s = 0; s < n_; ++s) {
      const bool written = target && s == *target;
      const V& a = written && clear ? zero_ : decay_;
      const V& b = written ? key : zero_;
      h_[s] = models::dot(ar_, 2, [&](std::size_t i) -> const V& { return i == 0 ? a : b; },
                          [&](std::size_t i) -> const V& { return i == 0 ? h_[s] : u; }, sem_);
    }
  }

  V read(std::size_t t, std::size_t j, models::Counters& counters) const {
    counters.mul_adds += n_;
    if (cyclic_ && t - j >= n_) throw UsageError("a cyclic channel of " + std::to_string(n_) + " slots cannot read distance " + std::to_string(t - j));
    if (!numeric_) return zero_;
    const std::optional<std::size_t> mapped = slot(j);
    if (!mapped) return zero_;  // the query is 0: position j was not stored
    const std::size_t target = *mapped;
    const V q = query(t, j);
    if constexpr (A::is_exact) return q * h_[target];  // the other terms are exactly 0
    return models::dot(ar_, n_, [&](std::size_t s) -> const V& { return s == target ? q : zero_; },
                       [&](std::size_t s) -> const V& { return h_[s]; }, sem_);
  }

  // Every slot read at once (the diagonal read-out LIS uses): entry j is the copy of position j
  // for j <= t (slot layout only). n multiply-adds.
  std::vector<V> read_all(std::size_t t, models::Counters& counters) const {
    counters.mul_adds += n_;
    std::vector<V> out;
    if (!numeric_) return out;
    out.reserve(n_);
    if (!slot_map_.empty()) throw UsageError("read_all needs one slot per position");
    for (std::size_t j = 0; j < n_; ++j) out.push_back(j <= t ? query(t, j) * h_[j] : zero_);
    return out;
  }

 private:
  std::optional<std::size_t> slot(std::size_t t) const {
    if (!slot_map_.empty()) return slot_map_[t];
    return cyclic_ ? t % n_ : t;
  }
  V query(std::size_t t, std::size_t j) const {
    const long distance = static_cast<long>(t - j);
    return power(cyclic_ ? -distance : kappa_[j] - distance);
  }
  // a^e = 2^(decay_log2 e), cached.
  const V& power(long e) const {
    auto it = powers_.find(e);
    if (it == powers_.end()) it = powers_.emplace(e, stored(ar_, pow2(decay_log2_ * e), sem_)).first;
    return it->second;
  }

  const A& ar_;
  std::size_t n_;
  long decay_log2_;
  bool cyclic_;
  std::vector<long> kappa_;
  std::vector<std::optional<std::size_t>> slot_map_;
  models::RoundingSemantics sem_;
  bool numeric_;
  V zero_;
  V decay_;
  std::vector<V> h_;
  mutable std::map<long, V> powers_;
};

// A softmax COPY head (the T2 construction): key of position j (1, j + 1, (j + 1)^2), value the
// token, query reading position p: β(-(p + 1)^2, 2(p + 1), -1), so the logit is -β (j - p)^2.
// window 0: full causal attention; otherwise the last `window` positions.
template <arith::Arithmetic A>
class SoftmaxHead {
 public:
  using V = typename A::value_type;
  SoftmaxHead(const A& ar, std::size_t positions, long beta, std::size_t window, const models::RoundingSemantics& sem, bool numeric)
      : ar_(ar), beta_(beta), window_(window), sem_(sem), numeric_(numeric) {
    if (numeric_) {
      const V zero = ar.from_int(0);
      sa_.emplace(models::SoftmaxAttention<V>{linalg::Matrix<V>(positions, 3, zero), linalg::Matrix<V>(positions, 3, zero),
                                              linalg::Matrix<V>(positions, 1, zero)});
    }
  }

  std::size_t first(std::size_t t) const { return window_ == 0 || t + 1 <= window_ ? 0 : t + 1 - window_; }
  std::size_t state_numbers(std::size_t t) const { return 4 * (t + 1 - first(t)); }

  void absorb(std::size_t t, const V& u, models::Counters&) {
    if (!numeric_) return;
    const long p = static_cast<long>(t) + 1;
    sa_->k(t, 0) = stored(ar_, Rational(1), sem_);
    sa_->k(t, 1) = stored(ar_, Rational(p), sem_);
    sa_->k(t, 2) = stored(ar_, Rational(p) * p, sem_);
    sa_->v(t, 0) = u;
  }

  V read(std::size_t t, std::size_t j, models::Counters& counters) {
    if (t - j >= (window_ == 0 ? t + 1 : window_))
      throw UsageError("a softmax head with window " + std::to_string(window_) + " cannot read distance " + std::to_string(t - j));
    counters.mul_adds += 4 * (t + 1 - first(t));
    if (!numeric_) return ar_.from_int(0);
    const long p = static_cast<long>(j) + 1;
    sa_->q(t, 0) = stored(ar_, Rational(-beta_ * p) * p, sem_);
    sa_->q(t, 1) = stored(ar_, Rational(2 * beta_ * p), sem_);
    sa_->q(t, 2) = stored(ar_, Rational(-beta_), sem_);
    return models::softmax_attention_row(ar_, *sa_, t, sem_, nullptr, first(t))[0];
  }

 private:
  const A& ar_;
  long beta_;
  std::size_t window_;
  models::RoundingSemantics sem_;
  bool numeric_;
  std::optional<models::SoftmaxAttention<V>> sa_;
};

}  // namespace freelunch::dp
