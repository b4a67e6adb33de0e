#include "tasks/state_tracking.hpp"

#include <random>

#include "arith/errors.hpp"
#include "linalg/solve.hpp"

namespace freelunch::tasks {

namespace {

using models::DiagonalFactor;
using models::LinearRnn;
using models::TokenUpdate;

RnnReadout<Rational> threshold(std::vector<Rational> c, Rational theta) {
  return {ReadoutKind::threshold, {std::move(c)}, std::move(theta)};
}

RnnReadout<Rational> argmax_identity(std::size_t n) {
  RnnReadout<Rational> r{ReadoutKind::argmax, {}, std::nullopt};
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<Rational> row(n, Rational(0));
    row[i] = 1;
    r.rows.push_back(row);
  }
  return r;
}

// A dyadic rational k / 2^8 with k uniform in [−256, 256] (std::mt19937_64 and integer
// arithmetic only: the same values on every platform).
Rational draw(std::mt19937_64& rng) { return Rational(static_cast<long>(rng() % 513) - 256, 256); }

}  // namespace

TrackingLayer parity_negative(const Rational& negative) {
  LinearRnn<Rational> rnn{1, {TokenUpdate<Rational>{}, TokenUpdate<Rational>{{DiagonalFactor<Rational>{{negative}}}, {}}}, {Rational(1)}};
  return {"negative a(1)=" + negative.str(), 2, rnn, threshold({Rational(-1)}, Rational(0))};
}

TrackingLayer mod3_householder(const Rational& beta, bool reversed) {
  const std::vector<Rational> e12{Rational(1), Rational(-1), Rational(0)}, e23{Rational(0), Rational(1), Rational(-1)};
  TokenUpdate<Rational> one;
  one.factors.push_back(models::householder(reversed ? e12 : e23, beta));
  one.factors.push_back(models::householder(reversed ? e23 : e12, beta));
  LinearRnn<Rational> rnn{3, {TokenUpdate<Rational>{}, one}, {Rational(1), Rational(0), Rational(0)}};
  return {"householder beta=" + beta.str() + (reversed ? " reversed" : ""), 3, rnn, argmax_identity(3)};
}

TrackingLayer mod3_diagonal(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Rational> d, h0;
  for (int i = 0; i < 3; ++i) d.push_back(draw(rng));
  for (int i = 0; i < 3; ++i) h0.push_back(draw(rng));
  RnnReadout<Rational> r{ReadoutKind::argmax, {}, std::nullopt};
  for (int i = 0; i < 3; ++i) r.rows.push_back({draw(rng), draw(rng), draw(rng)});
  LinearRnn<Rational> rnn{3, {TokenUpdate<Rational>{}, TokenUpdate<Rational>{{DiagonalFactor<Rational>{d}}, {}}}, h0};
  return {"diagonal seed=" + std::to_string(seed), 3, rnn, r};
}

TrackingLayer mod3_diagonal_near_miss(std::size_t k) {
  static const std::vector<Rational> decays = {Rational(1),    Rational(-1),   Rational(1, 2), Rational(-1, 2), Rational(3, 4), Rational(-3, 4),
                                               Rational(1, 4), Rational(-1, 4), Rational(7, 8), Rational(-7, 8), Rational(1, 8), Rational(-1, 8)};
  if (k == 0 || k > decays.size()) throw UsageError("the near-miss diagonal layer needs 1 <= k <= " + std::to_string(decays.size()));
  const std::vector<Rational> d(decays.begin(), decays.begin() + static_cast<long>(k));
  linalg::Matrix<Rational> vandermonde(k, k, Rational(0));
  for (std::size_t i = 0; i < k; ++i) {
    Rational power(1);
    for (std::size_t t = 0; t < k; ++t, power *= d[i]) vandermonde(t, i) = power;
  }
  RnnReadout<Rational> r{ReadoutKind::argmax, {}, std::nullopt};
  for (std::size_t c = 0; c < 3; ++c) {
    std::vector<Rational> target;
    for (std::size_t t = 0; t < k; ++t) target.push_back(Rational(t % 3 == c ? 1 : 0));
    const auto beta = linalg::solve(vandermonde, target);
    if (!beta) throw std::logic_error("the near-miss Vandermonde system is singular");
    r.rows.push_back(*beta);
  }
  LinearRnn<Rational> rnn{k, {TokenUpdate<Rational>{}, TokenUpdate<Rational>{{DiagonalFactor<Rational>{d}}, {}}}, std::vector<Rational>(k, Rational(1))};
  return {"diagonal near-miss k=" + std::to_string(k), 3, rnn, r};
}

TrackingLayer parity_positive(const Rational& decay, const Rational& key, const Rational& theta) {
  LinearRnn<Rational> rnn{1,
                          {TokenUpdate<Rational>{{DiagonalFactor<Rational>{{decay}}}, {}}, TokenUpdate<Rational>{{DiagonalFactor<Rational>{{decay}}}, {key}}},
                          {Rational(0)}};
  return {"positive a=" + decay.str() + " b=" + key.str(), 2, rnn, threshold({Rational(1)}, theta)};
}

MambaDecayLayer draw_mamba_decay_layer(std::size_t n, std::uint64_t seed) {
  if (n == 0) throw UsageError("a Mamba layer needs a state of at least one entry");
  std::mt19937_64 rng(seed);
  MambaDecayLayer l;
  l.w = Rational(-576 - static_cast<long>(rng() % 1217), 256);  // [-7, -2.25]
  for (std::size_t s = 1; s <= n; ++s) {
    l.A.push_back(Rational(-static_cast<long>(s)));
    l.B.push_back(draw(rng));
    l.c.push_back(draw(rng));
  }
  l.theta = draw(rng);
  l.name = "mamba n=" + std::to_string(n) + " seed=" + std::to_string(seed);
  return l;
}

TrackingLayer alternating_threshold(std::size_t n) {
  if (n == 0) throw UsageError("the alternating construction needs n >= 1");
  std::vector<Rational> a;
  for (std::size_t s = 1; s <= n; ++s) a.push_back(Rational(static_cast<long>(s), static_cast<long>(n + 1)));
  // Unknowns c_1..c_n, θ; equation t (t = 1..n+1): sum_s c_s g_s(t) − θ = (−1)^(t+1), where
  // g_s(t) = 1 + a_s + ... + a_s^(t−1) is h_t's entry s under key 1 from h_0 = 0. The matrix is
  // nonsingular: t ↦ κ − sum_s β_s a_s^t with distinct positive a_s is a Chebyshev system.
  linalg::Matrix<Rational> m(n + 1, n + 1, Rational(0));
  std::vector<Rational> rhs;
  for (std::size_t t = 1; t <= n + 1; ++t) {
    for (std::size_t s = 0; s < n; ++s) {
      Rational g(0), power(1);
      for (std::size_t k = 0; k < t; ++k) g += power, power *= a[s];
      m(t - 1, s) = g;
    }
    m(t - 1, n) = Rational(-1);
    rhs.push_back(Rational(t % 2 == 1 ? 1 : -1));
  }
  const auto x = linalg::solve(m, rhs);
  if (!x) throw std::logic_error("the alternating system is singular");
  std::vector<Rational> c(x->begin(), x->begin() + static_cast<long>(n));
  LinearRnn<Rational> rnn{n, {TokenUpdate<Rational>{{DiagonalFactor<Rational>{a}}, {}}, TokenUpdate<Rational>{{DiagonalFactor<Rational>{a}}, std::vector<Rational>(n, Rational(1))}},
                          std::vector<Rational>(n, Rational(0))};
  return {"alternating n=" + std::to_string(n), 2, rnn, threshold(c, (*x)[n])};
}

}  // namespace freelunch::tasks
