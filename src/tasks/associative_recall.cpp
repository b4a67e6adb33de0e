#include "tasks/associative_recall.hpp"

#include <algorithm>
#include <random>

#include "arith/exact.hpp"
#include "arith/errors.hpp"

namespace freelunch::tasks {

namespace {

std::vector<Rational> basis(std::size_t d, std::size_t i) {
  std::vector<Rational> e(d, Rational(0));
  e[i] = 1;
  return e;
}

}  // namespace

RecallStream overwrite_stream(std::size_t d, std::size_t d_v, std::size_t writes, std::uint64_t seed, const Rational& beta) {
  if (d == 0 || d_v == 0 || writes == 0) throw UsageError("a recall stream needs d >= 1, d_v >= 1 and at least one write");
  std::mt19937_64 rng(seed);
  RecallStream s;
  s.d = d;
  s.d_v = d_v;
  s.name = "d=" + std::to_string(d) + " W=" + std::to_string(writes) + " seed=" + std::to_string(seed) + (beta == 1 ? "" : " beta=" + beta.str());
  std::vector<std::size_t> order;  // keys in the order of their first write
  std::vector<std::vector<Rational>> latest(d);
  for (std::size_t w = 0; w < writes; ++w) {
    const std::size_t k = static_cast<std::size_t>(rng() % d);
    std::vector<Rational> v;
    for (std::size_t a = 0; a < d_v; ++a) v.push_back(Rational(static_cast<long>(rng() % 4) + 1));
    s.keys.push_back(basis(d, k));
    s.values.push_back(v);
    s.betas.push_back(beta);
    if (latest[k].empty()) order.push_back(k);
    latest[k] = v;
  }
  for (std::size_t k : order) {
    s.queries.push_back(basis(d, k));
    s.expected.push_back(latest[k]);
  }
  return s;
}

RecallStream capacity_stream(std::size_t d, std::size_t m, const std::vector<Rational>& values) {
  if (d < 2 || m == 0 || m > d + 1 || values.size() != m) throw UsageError("a capacity stream needs d >= 2, 1 <= m <= d + 1 and m values");
  RecallStream s;
  s.d = d;
  s.d_v = 1;
  s.name = "d=" + std::to_string(d) + " m=" + std::to_string(m);
  for (std::size_t i = 0; i < m; ++i) {
    std::vector<Rational> k = i < d ? basis(d, i) : std::vector<Rational>(d, Rational(0));
    if (i == d) k[0] = Rational(3, 5), k[1] = Rational(4, 5);
    s.keys.push_back(k);
    s.values.push_back({values[i]});
    s.betas.push_back(Rational(1));
    s.queries.push_back(k);
    s.expected.push_back({values[i]});
  }
  return s;
}

RecallStream recall_stream(std::size_t d, std::size_t m, std::size_t writes, std::uint64_t seed) {
  if (d == 0) throw UsageError("the key dimension d must be at least 1");
  if (m == 0) throw UsageError("the number of pairs m must be at least 1");
  if (m > d && d < 2) throw UsageError("m = " + std::to_string(m) + " > d needs d >= 2 (the extra keys mix two coordinates)");
  if (m > 2 * d) throw UsageError("m = " + std::to_string(m) + " distinct keys: at most 2d = " + std::to_string(2 * d) + " in this family");
  if (writes < m) throw UsageError("--writes " + std::to_string(writes) + " is below the number of pairs m = " + std::to_string(m));
  std::vector<std::vector<Rational>> keys;
  for (std::size_t i = 0; i < m; ++i) {
    if (i < d) {
      keys.push_back(basis(d, i));
      continue;
    }
    std::vector<Rational> k(d, Rational(0));
    const std::size_t j = i - d;
    k[j] = Rational(3, 5);
    k[(j + 1) % d] = Rational(4, 5);
    keys.push_back(k);
  }
  std::mt19937_64 rng(seed);
  RecallStream s;
  s.d = d;
  s.d_v = 1;
  s.name = "d=" + std::to_string(d) + " m=" + std::to_string(m) + " W=" + std::to_string(writes) + " seed=" + std::to_string(seed);
  std::vector<Rational> latest(m);
  for (std::size_t w = 0; w < writes; ++w) {
    const std::size_t k = w < m ? w : static_cast<std::size_t>(rng() % m);
    const Rational v(static_cast<long>(rng() % 4) + 1);
    s.keys.push_back(keys[k]);
    s.values.push_back({v});
    s.betas.push_back(Rational(1));
    latest[k] = v;
  }
  for (std::size_t k = 0; k < m; ++k) {
    s.queries.push_back(keys[k]);
    s.expected.push_back({latest[k]});
  }
  return s;
}

std::optional<std::size_t> first_repeated_query(const RecallStream& s) {
  for (std::size_t q = 0; q < s.queries.size(); ++q)
    if (std::count(s.keys.begin(), s.keys.end(), s.queries[q]) > 1) return q;
  return std::nullopt;
}

linalg::Matrix<Rational> recall_block(models::MemoryRule rule, const RecallStream& s, const models::RoundingSemantics& sem) {
  if (s.d_v != 1) throw UsageError("the recall block needs scalar values");
  const std::size_t writes = s.keys.size();
  linalg::Matrix<Rational> g(s.queries.size(), writes, Rational(0));
  arith::RationalArith ar;
  for (std::size_t i = 0; i < writes; ++i) {
    RecallStream unit = s;
    for (std::size_t w = 0; w < writes; ++w) unit.values[w] = {Rational(w == i ? 1 : 0)};
    const RecallOutcome o = run_recall(ar, rule, unit, false, sem);
    for (std::size_t q = 0; q < s.queries.size(); ++q) g(q, i) = o.outputs[q][0];
  }
  return g;
}

}  // namespace freelunch::tasks
