#include "models/sparse_scan.hpp"

#include <string>

#include "arith/errors.hpp"
#include "core/cancel.hpp"
#include "models/storage.hpp"

namespace freelunch::models {

void SparseScalarScan::check_shapes() const {
  if (length == 0 || state == 0) throw UsageError("selective scan needs N >= 1 and n >= 1");
  if (a.size() != length || b.size() != length || c.size() != length)
    throw UsageError("sparse scan parameters do not match N = " + std::to_string(length));
  for (const auto* rows : {&b, &c})
    for (const auto& row : *rows)
      for (const SparseEntry& e : row)
        if (e.slot >= state) throw UsageError("sparse scan entry in slot " + std::to_string(e.slot) + " of n = " + std::to_string(state));
}

ScanParams<Rational> SparseScalarScan::dense() const {
  check_shapes();
  ScanParams<Rational> p{length, state, DecayKind::scalar, a, std::vector<Rational>(length * state), std::vector<Rational>(length * state), skip};
  for (std::size_t t = 0; t < length; ++t) {
    for (const SparseEntry& e : b[t]) p.b[t * state + e.slot] += e.value;
    for (const SparseEntry& e : c[t]) p.c[t * state + e.slot] += e.value;
  }
  return p;
}

SparseScalarScan SparseScalarScan::from_dense(const ScanParams<Rational>& p) {
  p.check_shapes();
  if (p.decay_kind != DecayKind::scalar) throw UsageError("a sparse scan needs a scalar decay");
  SparseScalarScan s{p.length, p.state, p.a, std::vector<std::vector<SparseEntry>>(p.length), std::vector<std::vector<SparseEntry>>(p.length), p.skip};
  for (std::size_t t = 0; t < p.length; ++t)
    for (std::size_t k = 0; k < p.state; ++k) {
      if (p.key(t, k) != 0) s.b[t].push_back({k, p.key(t, k)});
      if (p.query(t, k) != 0) s.c[t].push_back({k, p.query(t, k)});
    }
  return s;
}

SparseScalarScan through_storage(const SparseScalarScan& p, const RoundingSemantics& sem) {
  SparseScalarScan out = p;
  auto round = [&](Rational& q) { q = models::through_storage(q, sem); };
  for (Rational& x : out.a) round(x);
  for (auto* rows : {&out.b, &out.c})
    for (auto& row : *rows)
      for (SparseEntry& e : row) round(e.value);
  if (out.skip) round(*out.skip);
  return out;
}

std::vector<Rational> sparse_scalar_scan(const SparseScalarScan& p, std::span<const Rational> u) {
  p.check_shapes();
  if (u.size() != p.length) throw UsageError("input has " + std::to_string(u.size()) + " entries for N = " + std::to_string(p.length));
  std::vector<Rational> g(p.state);
  std::vector<std::size_t> touched;  // entries of g that may be nonzero, for a zero decay's reset
  Rational product(1), inverse(1);   // P_t and 1 / P_t
  std::vector<Rational> y(p.length);
  for (std::size_t t = 0; t < p.length; ++t) {
    throw_if_cancelled();
    if (p.a[t] == 0) {  // h_t = b_t u_t: nothing of the past survives
      for (std::size_t s : touched) g[s] = 0;
      touched.clear();
      product = 1;
      inverse = 1;
    } else {
      product *= p.a[t];
      inverse /= p.a[t];
    }
    if (u[t] != 0)
      for (const SparseEntry& e : p.b[t]) {
        g[e.slot] += e.value * u[t] * inverse;
        touched.push_back(e.slot);
      }
    Rational read(0);
    for (const SparseEntry& e : p.c[t])
      if (g[e.slot] != 0) read += e.value * g[e.slot];
    y[t] = read == 0 ? read : Rational(product * read);
    if (p.skip) y[t] += *p.skip * u[t];
  }
  return y;
}

}  // namespace freelunch::models
