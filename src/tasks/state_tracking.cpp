#include "tasks/state_tracking.hpp"

#include <random>

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

TrackingLayer parity_positive(const Rational& decay, const Rational& key, const Rational& theta) {
  LinearRnn<Rational> rnn{1,
                          {TokenUpdate<Rational>{{DiagonalFactor<Rational>{{decay}}}, {}}, TokenUpdate<Rational>{{DiagonalFactor<Rational>{{decay}}}, {key}}},
                          {Rational(0)}};
  return {"positive a=" + decay.str() + " b=" + key.str(), 2, rnn, threshold({Rational(1)}, theta)};
}

}  // namespace freelunch::tasks
