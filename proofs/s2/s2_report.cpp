// S2's report: its statement and table, built from the results' data alone.
#include "s2_report.hpp"

#include "output/provenance.hpp"
#include "output/result_cells.hpp"

namespace freelunch::proofs::s2 {

using namespace freelunch::output;

std::string statement() {
  return R"(A scan with scalar decays (Mamba-2), $h_t = a_t h_{t-1} + B_t x_t$, $y_t = C_t \cdot h_t$, $h_0 = 0$. The chunked
algorithm with chunk size $Q$ computes, for the chunk $s+1..s+Q$ with $L(i, j) = a_{j+1} \cdots a_i$, the intra-chunk sum
$\sum_{j=s+1}^{i} ((C_i \cdot B_j) L(i, j)) x_j$ (ascending), adds $C_i \cdot (L(i, s) h_s)$, and passes
$h_{s+Q} = L(s+Q, s) h_s + \sum_j L(s+Q, j) B_j x_j$ on. \emph{Checked} in exact arithmetic by running both code paths on
random dyadic and non-dyadic instances: every output of the chunked algorithm (decays formed as products in order) equals
the recurrence's, for every chunk size listed, including $Q = 1$ and $Q = N$.)";
}

namespace {

LatexTable duality_table(const ProofReport& report) {
  LatexTable t;
  t.caption = "S2: the chunked algorithm (products) against the recurrence in exact arithmetic, per instance and chunk size Q, "
              "both computed by running the code: \"equal\" when every output agrees, else the first output that differs. The "
              "multiply-adds counted by each evaluator are in the JSON lines.";
  t.label = "tab:s2-duality";
  t.header = {"instance", "Q", "outputs", "verdict"};
  std::string semantics;
  for (const CheckResult& r : report.results) {
    if (r.check != kIdentity) continue;
    semantics = r.semantics;
    const auto& d = r.data;
    const std::string outputs = d.value("first_difference", nlohmann::json(nullptr)).is_null()
                                    ? "equal (" + std::to_string(d.value("N", std::size_t{0})) + ")"
                                    : "differ at y_" + std::to_string(d["first_difference"].get<std::size_t>());
    const std::string name = r.instance.substr(0, r.instance.rfind(" Q="));
    t.rows.push_back({name, std::to_string(d.value("chunk", std::size_t{0})), outputs, to_string(r.verdict)});
  }
  t.provenance = provenance(report, semantics);
  return t;
}

}  // namespace

std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>&) {
  return {{"s2-duality.tex", duality_table(report)}};
}

std::vector<PgfFigure> figures(const ProofReport&) { return {}; }

}  // namespace freelunch::proofs::s2
