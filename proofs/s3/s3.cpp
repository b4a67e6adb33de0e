// S3 (THEORY §5): the delta rule (Schlag et al. 2021; DeltaNet, Yang et al. 2024). Not a theorem
// of the seed paper.
//
// Claim. A matrix memory S (d_v x d) written by the delta rule S_t = S_(t−1)(I − β k k^T) + β v k^T
// overwrites: with one-hot keys and β = 1 every query returns the latest value written under its
// key, in every arithmetic that holds the values (S3.1), while additive linear attention
// S_t = S_(t−1) + v k^T returns the sum of the values written under the key, wrong at the first
// repeated key. Recalling m distinct keys at once needs d >= m in every arithmetic (S3.2). With a
// unit key, I − β k k^T has the eigenvalues 1 (d − 1 times) and 1 − β (S3.3).
//
// Constructions (tasks/associative_recall.hpp): overwrite streams (one-hot keys drawn at random,
// values in {1..4}^2, then a query per key); capacity streams (keys e_1..e_d and, for m = d + 1,
// the unit key (3/5, 4/5, 0, ...)).
//
// Checks, each by running models/matrix_memory.hpp:
// (1) s3::kDelta, per arithmetic: every query of every overwrite stream returns the latest value
//     exactly. Falsifier: β = 1/2 (half an overwrite).
// (2) s3::kAdditive, per arithmetic: the additive memory is wrong, and its first wrong query is
//     the first key written twice (the witness). Falsifier: a stream without a repeated key.
// (3) s3::kFits, exact: for m = d the recall block G (outputs per unit value, formed by running
//     the model once per write) is the identity, so recall is exact for all values (linearity).
//     Falsifier: two of the d writes share a key.
// (4) s3::kWitness, per arithmetic: for m = d + 1, G (formed by running) has rank <= d < m, so a
//     row is not strictly diagonally dominant and its ±1 values (tasks/copy_witness.hpp) are
//     recalled wrong: run in the arithmetic, decoded recall fails. Falsifier: the same m pairs in
//     d + 1 dimensions (G = I: no witness).
// (5) s3::kEigen, exact: for β in {0, 1/2, 1, 3/2, 2} and k = (3/5, 4/5, 0), P = I − β k k^T is
//     formed by a delta write of value 0 into S = I, and P k = (1 − β) k, P u = u for u spanning
//     k's complement, by reads. Falsifier: the key (1, 1, 0), not a unit (eigenvalue 1 − 2β).
#include <string>
#include <vector>

#include "core/instances.hpp"
#include "core/proof.hpp"
#include "output/theorem_module.hpp"
#include "s3_report.hpp"
#include "tasks/associative_recall.hpp"
#include "tasks/copy_witness.hpp"

namespace freelunch::proofs::s3 {
namespace {

using models::MemoryRule;
using tasks::RecallStream;

template <class F>
CheckResult in_point_arithmetic(const char* check, const std::string& instance, const arith::Precision& prec, const models::RoundingSemantics& sem,
                                F&& f) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    if constexpr (!arith::PointArithmetic<A>) {
      return {check, instance, ar.name(), sem.to_string(), Verdict::not_applicable, "point arithmetics only", {}};
    } else {
      return f(ar);
    }
  });
}

std::string query_text(const RecallStream& s, std::size_t q) {
  std::string key;
  for (std::size_t b = 0; b < s.d; ++b)
    if (s.queries[q][b] != 0) key += (key.empty() ? "" : "+") + std::string("e") + std::to_string(b + 1);
  return "query " + std::to_string(q + 1) + " (" + key + ")";
}

// (1) and (2) on a stream.
CheckResult overwrite(const char* check, MemoryRule rule, const RecallStream& s, const arith::Precision& prec, const models::RoundingSemantics& sem) {
  return in_point_arithmetic(check, s.name, prec, sem, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    const tasks::RecallOutcome o = tasks::run_recall(ar, rule, s, false, sem);
    nlohmann::json data = {{"rule", models::to_string(rule)}, {"queries", s.queries.size()}, {"writes", s.keys.size()},
                           {"first_wrong_query", o.first_wrong_query ? nlohmann::json(*o.first_wrong_query) : nlohmann::json(nullptr)}};
    if (rule == MemoryRule::delta) {
      const Verdict v = o.correct ? passing_verdict(A::is_exact) : Verdict::fails;
      const std::string detail = o.correct ? "every one of " + std::to_string(s.queries.size()) + " queries returns the latest value exactly"
                                           : "wrong at " + query_text(s, *o.first_wrong_query);
      return {check, s.name, ar.name(), sem.to_string(), v, detail, data};
    }
    const std::optional<std::size_t> repeated = tasks::first_repeated_query(s);
    data["first_repeated_query"] = repeated ? nlohmann::json(*repeated) : nlohmann::json(nullptr);
    if (o.correct) return {check, s.name, ar.name(), sem.to_string(), Verdict::fails, "no witness: every query right", data};
    if (o.first_wrong_query != repeated)
      return {check, s.name, ar.name(), sem.to_string(), Verdict::fails,
              "first wrong at " + query_text(s, *o.first_wrong_query) + ", not at the first repeated key", data};
    return {check, s.name, ar.name(), sem.to_string(), passing_verdict(A::is_exact),
            "wrong at " + query_text(s, *o.first_wrong_query) + ", the first key written twice (the sum of its values)", data};
  });
}

// (3) on a stream with m = d.
CheckResult fits(const RecallStream& s, const models::RoundingSemantics& sem) {
  const linalg::Matrix<Rational> g = tasks::recall_block(MemoryRule::delta, s, sem);
  std::optional<std::pair<std::size_t, std::size_t>> off;
  for (std::size_t i = 0; i < g.rows() && !off; ++i)
    for (std::size_t j = 0; j < g.cols() && !off; ++j)
      if (g(i, j) != Rational(i == j ? 1 : 0)) off = std::pair{i, j};
  const std::string detail = off ? "G(" + std::to_string(off->first + 1) + ", " + std::to_string(off->second + 1) + ") = " + g(off->first, off->second).str() +
                                       ": not the identity"
                                 : "the recall block is the identity: every value recalled exactly, for all values";
  return {s3::kFits, s.name, "exact", sem.to_string(), off ? Verdict::fails : Verdict::verified, detail, {{"d", s.d}, {"m", s.keys.size()}}};
}

// (4) on a stream with m = d + 1 (or a falsifier's).
CheckResult witness(std::size_t d, std::size_t m, const arith::Precision& prec, const models::RoundingSemantics& sem) {
  const RecallStream probe = tasks::capacity_stream(d, m, std::vector<Rational>(m, Rational(1)));
  const std::optional<tasks::CopyWitness> w = tasks::dominance_witness(tasks::recall_block(MemoryRule::delta, probe, sem));
  return in_point_arithmetic(s3::kWitness, probe.name, prec, sem, [&](const auto& ar) -> CheckResult {
    using A = std::decay_t<decltype(ar)>;
    nlohmann::json data = {{"d", d}, {"m", m}};
    if (!w) return {s3::kWitness, probe.name, ar.name(), sem.to_string(), Verdict::fails, "every row of the recall block is diagonally dominant: no witness", data};
    std::vector<Rational> values;
    for (int sign : w->signs) values.push_back(Rational(sign));
    const tasks::RecallOutcome o = tasks::run_recall(ar, MemoryRule::delta, tasks::capacity_stream(d, m, values), true, sem);
    data["row"] = w->row;
    std::string signs;
    for (int sign : w->signs) signs += sign > 0 ? "+" : "-";
    if (o.correct)
      return {s3::kWitness, probe.name, ar.name(), sem.to_string(), Verdict::fails, "the witness values " + signs + " are recalled right", data};
    return {s3::kWitness, probe.name, ar.name(), sem.to_string(), passing_verdict(A::is_exact),
            "values " + signs + " (row " + std::to_string(w->row + 1) + " not dominant, exact output " + w->exact_output.str() + "): query " +
                std::to_string(*o.first_wrong_query + 1) + " recalled wrong",
            data};
  });
}

// (5): P = I − β k k^T by a write of value 0 into S = I; then P k and P u by reads.
CheckResult eigen(const Rational& beta, const std::vector<Rational>& key, const std::vector<std::vector<Rational>>& complement,
                  const models::RoundingSemantics& sem) {
  arith::RationalArith ar;
  const std::size_t d = key.size();
  models::MatrixMemory<Rational> p(d, d, Rational(0));
  for (std::size_t i = 0; i < d; ++i) p.s[i * d + i] = 1;
  models::memory_write(ar, MemoryRule::delta, p, key, std::vector<Rational>(d, Rational(0)), beta, sem);
  std::string instance = "beta=" + beta.str() + " k=(";
  for (std::size_t b = 0; b < d; ++b) instance += (b ? ", " : "") + key[b].str();
  instance += ")";
  auto is_multiple = [&](const std::vector<Rational>& x, const Rational& lambda) {
    const std::vector<Rational> y = models::memory_read(ar, p, x, sem);
    for (std::size_t b = 0; b < d; ++b)
      if (y[b] != lambda * x[b]) return false;
    return true;
  };
  const Rational along = Rational(1) - beta;
  bool ok = is_multiple(key, along);
  for (const auto& u : complement) ok = ok && is_multiple(u, Rational(1));
  const bool in_range = along >= -1 && along <= 1;
  const std::string detail = ok ? "eigenvalues 1 (" + std::to_string(d - 1) + " times) and 1 - beta = " + along.str() + (in_range ? ", in [-1, 1]" : ", outside [-1, 1]")
                                : "P k != (1 - beta) k or P u != u: the claimed eigenvalues are wrong";
  return {s3::kEigen, instance, "exact", sem.to_string(), ok ? Verdict::verified : Verdict::fails, detail,
          {{"beta", beta.str()}, {"eigenvalue", along.str()}, {"in_unit_interval", in_range}}};
}

const std::vector<Rational> kUnitKey = {Rational(3, 5), Rational(4, 5), Rational(0)};
const std::vector<std::vector<Rational>> kComplement = {{Rational(-4, 5), Rational(3, 5), Rational(0)}, {Rational(0), Rational(0), Rational(1)}};

ProofReport run(const ProofOptions& opt) {
  const bool full = opt.grid == Grid::full;
  const std::vector<std::size_t> dims = full ? std::vector<std::size_t>{4, 16, 64} : std::vector<std::size_t>{4, 16};
  const std::vector<std::size_t> capacity_dims = full ? std::vector<std::size_t>{2, 4, 8, 16, 32} : std::vector<std::size_t>{2, 4, 8};
  ProofReport report{"s3", "", to_string(opt.grid), "", opt.seed, {}};
  std::string ds, cs;
  for (std::size_t d : dims) ds += (ds.empty() ? "" : ", ") + std::to_string(d);
  for (std::size_t d : capacity_dims) cs += (cs.empty() ? "" : ", ") + std::to_string(d);
  report.scope = "overwrite streams with d in {" + ds + "}, 4d writes, d_v = 2; capacity for d in {" + cs + "}; eigenvalues for beta in {0, 1/2, 1, 3/2, 2}";
  std::vector<std::function<CheckResult()>> jobs;
  for (const arith::Precision& prec : opt.precisions)
    for (std::size_t d : dims) {
      const RecallStream s = tasks::overwrite_stream(d, 2, 4 * d, opt.seed + d);
      jobs.push_back([&, prec, s] { return overwrite(s3::kDelta, MemoryRule::delta, s, prec, opt.semantics); });
      jobs.push_back([&, prec, s] { return overwrite(s3::kAdditive, MemoryRule::additive, s, prec, opt.semantics); });
    }
  for (std::size_t d : capacity_dims) {
    jobs.push_back([&, d] { return fits(tasks::capacity_stream(d, d, std::vector<Rational>(d, Rational(1))), opt.semantics); });
    for (const arith::Precision& prec : opt.precisions) jobs.push_back([&, d, prec] { return witness(d, d + 1, prec, opt.semantics); });
  }
  for (const Rational& beta : {Rational(0), Rational(1, 2), Rational(1), Rational(3, 2), Rational(2)})
    jobs.push_back([&, beta] { return eigen(beta, kUnitKey, kComplement, opt.semantics); });
  report.results = run_jobs("s3", jobs, opt);
  return report;
}

std::vector<std::string> checks() { return {s3::kDelta, s3::kAdditive, s3::kFits, s3::kWitness, s3::kEigen}; }

std::vector<Falsifier> falsifiers(const ProofOptions& opt) {
  const models::RoundingSemantics sem = opt.semantics;
  const std::uint64_t seed = opt.seed;
  std::vector<Falsifier> out;
  for (const std::string p : {"exact", "fp16"}) {
    const arith::Precision prec = arith::parse_precision(p);
    out.push_back({s3::kDelta, "beta = 1/2 instead of 1 (d = 4, " + p + ")", [=] {
                     return overwrite(s3::kDelta, MemoryRule::delta, tasks::overwrite_stream(4, 2, 16, seed + 4, Rational(1, 2)), prec, sem);
                   }});
    out.push_back({s3::kAdditive, "a stream without a repeated key (d = 4, " + p + ")", [=] {
                     return overwrite(s3::kAdditive, MemoryRule::additive, tasks::capacity_stream(4, 4, std::vector<Rational>(4, Rational(1))), prec, sem);
                   }});
    out.push_back({s3::kWitness, "m = 5 pairs in d = 5 dimensions instead of 4 (" + p + ")", [=] { return witness(5, 5, prec, sem); }});
  }
  out.push_back({s3::kFits, "two of the d = 4 writes share a key", [=] {
                   RecallStream s = tasks::capacity_stream(4, 4, std::vector<Rational>(4, Rational(1)));
                   s.keys[3] = s.keys[2];
                   return fits(s, sem);
                 }});
  out.push_back({s3::kEigen, "key (1, 1, 0), not a unit, beta = 1", [=] {
                   return eigen(Rational(1), {Rational(1), Rational(1), Rational(0)}, {{Rational(-1), Rational(1), Rational(0)}, {Rational(0), Rational(0), Rational(1)}}, sem);
                 }});
  return out;
}

}  // namespace
}  // namespace freelunch::proofs::s3

namespace freelunch::proofs {

ProofEntry module_s3() {
  using namespace s3;  // the module's run, checks and falsifiers above
  return {"s3", "(S3)", "-", "the delta rule: exact overwrites, capacity d, eigenvalues of I - beta k k^T",
          "the delta rule overwrites exactly with one-hot keys where additive linear attention fails at the first repeated key; "
          "recall of m keys needs d >= m; I - beta k k^T has eigenvalues 1 and 1 - beta",
          run, "exact,mpfr53,fp64,fp32,bf16,fp16,e5m2,e4m3,fix8.8", checks(), falsifiers, s3::statement(), s3::tables, s3::figures};
}

}  // namespace freelunch::proofs
