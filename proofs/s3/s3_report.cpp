// S3's report: its statement and table, built from the results' data alone.
#include "s3_report.hpp"

#include <utility>

#include "output/provenance.hpp"
#include "output/result_cells.hpp"

namespace freelunch::proofs::s3 {

using namespace freelunch::output;

std::string statement() {
  return R"(A matrix memory $S_t \in K^{d_v \times d}$ written by the delta rule $S_t = S_{t-1}(I - \beta_t k_t k_t^\top) + \beta_t v_t
k_t^\top$ or additively, $S_t = S_{t-1} + v_t k_t^\top$, read as $y = S q$. \emph{Checked} by running the memory in each
arithmetic: with one-hot keys and $\beta = 1$ the delta rule returns the latest value of every key exactly (streams of $4d$
writes with repeated keys), while the additive memory is wrong first at the first key written twice (witness). Capacity:
the recall block $G$ (outputs per unit value, formed by running the exact model once per write) is the identity for
$m = d$ pairs, so recall is exact for all values; for $m = d + 1$ a row of $G$ is not diagonally dominant and its $\pm 1$
values are recalled wrong in every arithmetic. With the unit key $k = (3/5, 4/5, 0)$, $I - \beta k k^\top$, formed by a
write into $S = I$, maps $k$ to $(1 - \beta) k$ and fixes $k^\perp$, for $\beta \in \{0, 1/2, 1, 3/2, 2\}$.)";
}

namespace {

std::string cell(const CheckResult& r) {
  switch (r.verdict) {
    case Verdict::not_applicable: return "--";
    case Verdict::fails: return "FAILS";
    default: break;
  }
  const std::string& check = r.check;
  if (check == kDelta) return "latest value, exact";
  if (check == kAdditive) return "wrong at query " + std::to_string(r.data.value("first_wrong_query", std::size_t{0}) + 1);
  if (check == kFits) return "G = I";
  if (check == kWitness) return "witness recalled wrong";
  if (check == kEigen) return "1 and " + r.data.value("eigenvalue", std::string());
  return to_string(r.verdict);
}

LatexTable recall_table(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  LatexTable t;
  t.caption = "S3: associative recall with a matrix memory, per check, instance and arithmetic, each by running the memory. "
              "Delta rule with one-hot keys and beta = 1: every query returns the latest value exactly. Additive: the first wrong "
              "query, which is the first key written twice. m = d: the recall block is the identity (exact, for all values). m = "
              "d + 1: the +-1 values of a row that is not diagonally dominant are recalled wrong (decoded). Eigenvalues of "
              "I - beta k k^T along k = (3/5, 4/5, 0) and on its complement (exact). FAILS: the check failed.";
  t.label = "tab:s3-recall";
  t.header = {"check, instance"};
  for (const auto& p : precisions) t.header.push_back(p.name);
  std::vector<std::string> columns;
  for (const auto& p : precisions) columns.push_back(p.name);
  std::string semantics;
  const std::pair<const char*, const char*> checks[] = {
      {kDelta, "delta"}, {kAdditive, "additive"}, {kFits, "capacity"}, {kWitness, "past capacity"}, {kEigen, "eigenvalues"}};
  for (const auto& [check, short_name] : checks) {
    const ResultCells cells = collect_cells(report, check);
    if (!cells.semantics.empty()) semantics = cells.semantics;
    for (auto& row : instance_rows(cells, columns, std::string(short_name) + ", ", cell)) t.rows.push_back(std::move(row));
  }
  t.provenance = provenance(report, semantics);
  return t;
}

}  // namespace

std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  return {{"s3-recall.tex", recall_table(report, precisions)}};
}

std::vector<PgfFigure> figures(const ProofReport&) { return {}; }

}  // namespace freelunch::proofs::s3
