#include "output/copy_tables.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <variant>

#include "output/provenance.hpp"

namespace freelunch::output {

namespace {

// Results of one check by (instance, precision), instances in order of appearance.
struct Cells {
  std::vector<std::string> instances;
  std::map<std::pair<std::string, std::string>, const CheckResult*> at;
  std::string semantics;
};

Cells collect(const ProofReport& report, const std::string& check) {
  Cells c;
  for (const CheckResult& r : report.results) {
    if (r.check != check) continue;
    if (std::find(c.instances.begin(), c.instances.end(), r.instance) == c.instances.end()) c.instances.push_back(r.instance);
    c.at[{r.instance, r.precision}] = &r;
    c.semantics = r.semantics;
  }
  return c;
}

// "none up to 4096", "31 (32)", "731* (22713)": the largest size, the bound in brackets
// (bound_text, as the producer wrote it), a star when the first failure is a finite rounding
// error rather than a range failure (a non-finite value, or a saturated fixed-point value).
std::string largest_cell(const CheckResult& r) {
  const nlohmann::json& d = r.data;
  std::string cell = d.value("reached_cap", false) ? "none up to " + std::to_string(d["cap"].get<std::size_t>())
                     : d["largest"].is_null()      ? std::string("0")
                                                   : std::to_string(d["largest"].get<std::size_t>());
  if (d.value("cause", std::string()).starts_with("rounding")) cell += "*";
  if (d.contains("bound_text")) cell += " (" + d["bound_text"].get<std::string>() + ")";
  else if (d.contains("bound") && d["bound"].is_number()) cell += " (" + std::to_string(static_cast<long>(std::floor(d["bound"].get<double>()))) + ")";
  return cell;
}

}  // namespace

LatexTable t3_threshold_table(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  LatexTable t;
  t.caption = "T3: largest copy length L that the slot construction still copies (decoded, all +-1 inputs), per "
              "arithmetic; in brackets the T1a magnitude bound log(beta_max^2)/log(1/a) for one nonzero product, from the decay as "
              "the arithmetic stores it (certified floor). The bound is for exact COPY: decoded COPY tolerates an error below 1/2 and "
              "may pass it by a step (saturating fixed point); far below it, the rounded decay no longer matches the compensation "
              "(a precision failure, *). \"none up to C\": no failure at any L evaluated, which is every L up to the confirmation limit "
              "and the doubling points up to C. exact: exact COPY decided by running the exact model at every L listed (the matrix, or "
              "Freivalds with P(wrong) <= 2^-64).";
  t.label = "tab:t3-threshold";
  t.header = {"decay, split"};
  for (const auto& p : precisions) t.header.push_back(p.name);
  const Cells searched = collect(report, "largest L that copies");
  // The exact column: the lengths at which running the exact model decided the copy block.
  std::map<std::string, std::string> exact_cells;
  for (const CheckResult& r : report.results) {
    if (r.check != "copy block = copy pattern") continue;
    const std::string config = r.data.value("decay", std::string()) == "1" ? "a=1 idealized"
                                                                            : "a=" + r.data.value("decay", std::string()) + " " + r.data.value("split", std::string());
    std::string& cell = exact_cells[config];
    const std::string length = std::to_string(r.data.value("L", std::size_t{0}));
    if (r.verdict == Verdict::fails) cell = "fails at L = " + length;
    else if (!cell.starts_with("fails")) cell += (cell.empty() ? "copies at L in {" : ", ") + length;
  }
  for (const std::string& row_name : searched.instances) {
    std::vector<std::string> row{row_name};
    for (const auto& p : precisions) {
      if (std::holds_alternative<arith::ExactSpec>(p.spec)) {
        auto it = exact_cells.find(row_name);
        row.push_back(it == exact_cells.end() ? "--" : it->second + (it->second.starts_with("fails") ? "" : "}"));
        continue;
      }
      auto it = searched.at.find({row_name, p.name});
      row.push_back(it == searched.at.end() || it->second->verdict == Verdict::not_applicable ? "--" : largest_cell(*it->second));
    }
    t.rows.push_back(row);
  }
  t.provenance = provenance(report, searched.semantics);
  return t;
}

LatexTable t1_separation_table(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  LatexTable t;
  t.caption = "T1: the largest copy length that still works, per cause and arithmetic. T1a: largest distance one state entry "
              "copies (decoded, +-1, balanced compensation), bound log(beta_max^2)/log(1/a) in brackets, a certified floor computed "
              "from the decay as the format stores it (nominal and stored shown where they differ); exact: exact COPY at every "
              "distance up to the cap, decided by running the exact model. T1b: largest full-copy length L <= n an n = 8 slot layer "
              "copies, and at L = n + 1 a +-1 input, found from a copy-block row that is not diagonally dominant and run in that "
              "arithmetic, on which every constant-size construction fails (the witness). T1c: largest L whose |V|^L "
              "sequences give distinct states of one entry (exhaustive), bound log|F|/log|V| in brackets. * marks a failure by "
              "rounding error (precision) instead of range (a non-finite value, or a saturated fixed-point value). The T1a bound is "
              "for exact COPY: decoded COPY tolerates an error below 1/2. \"none up to C\": no failure at any size evaluated (every "
              "size up to the confirmation limit and the doubling points up to C). Rows that change across columns are what "
              "rounding breaks; a row equal in every column is what no arithmetic fixes.";
  t.label = "tab:t1-separation";
  t.on_terminal = true;
  t.header = {"cause"};
  for (const auto& p : precisions) t.header.push_back(p.name);
  std::string semantics;
  auto add_rows = [&](const std::string& check, const std::string& prefix) {
    const Cells c = collect(report, check);
    if (!c.semantics.empty()) semantics = c.semantics;
    for (const std::string& inst : c.instances) {
      std::vector<std::string> row{prefix + inst};
      for (const auto& p : precisions) {
        auto it = c.at.find({inst, p.name});
        row.push_back(it == c.at.end() || it->second->verdict == Verdict::not_applicable ? "--" : largest_cell(*it->second));
      }
      t.rows.push_back(row);
    }
  };
  add_rows("T1a largest distance", "T1a magnitude, ");
  // T1b: the largest L <= n the n-slot layer copies, and whether the witness past n was found.
  const Cells row = collect(report, "T1b largest copy length"), past = collect(report, "T1b no copy past n");
  for (const std::string& inst : row.instances) {
    std::vector<std::string> cells{"T1b rank, " + (inst.starts_with("n=") ? "n = " + inst.substr(2) : inst)};
    for (const auto& p : precisions) {
      auto it = row.at.find({inst, p.name});
      std::string cell = it == row.at.end() ? "--" : largest_cell(*it->second);
      if (auto w = past.at.find({inst, p.name}); w != past.at.end())
        cell += w->second->verdict == Verdict::fails ? ", NO witness at " : w->second->verdict == Verdict::undecided ? ", undecided at " : ", witness at ";
      if (auto w = past.at.find({inst, p.name}); w != past.at.end()) cell += std::to_string(w->second->data.value("L", std::size_t{0}));
      cells.push_back(cell);
    }
    t.rows.push_back(cells);
  }
  add_rows("T1c largest injective length", "T1c information, ");
  t.provenance = provenance(report, semantics);
  return t;
}

LatexTable t1_escape_table(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  LatexTable t;
  t.caption = "T1a, the a -> 1 escape: the largest distance one state entry copies with decay a = 1 - 2^-k (bound in brackets; * "
              "a rounding failure), and the k from which the stored decay 1 - 2^-k is exactly 1 (then nothing decays).";
  t.label = "tab:t1-escape";
  t.header = {"decay"};
  std::vector<arith::Precision> columns;
  for (const auto& p : precisions)
    if (!std::holds_alternative<arith::ExactSpec>(p.spec)) columns.push_back(p);
  for (const auto& p : columns) t.header.push_back(p.name);
  const Cells c = collect(report, "T1a escape a=1-2^-k");
  for (const std::string& inst : c.instances) {
    std::vector<std::string> row{"a = 1-2^-" + inst.substr(2)};
    for (const auto& p : columns) {
      auto it = c.at.find({inst, p.name});
      row.push_back(it == c.at.end() || it->second->verdict == Verdict::not_applicable ? "--" : largest_cell(*it->second));
    }
    t.rows.push_back(row);
  }
  const Cells one = collect(report, "T1a decay 1-2^-k rounds to 1");
  std::vector<std::string> row{"rounds to 1 from k ="};
  for (const auto& p : columns) {
    std::string cell = "--";
    for (const auto& inst : one.instances)
      if (auto it = one.at.find({inst, p.name}); it != one.at.end() && it->second->data.contains("k"))
        cell = it->second->data["k"].is_null() ? "never" : std::to_string(it->second->data["k"].get<long>());
    row.push_back(cell);
  }
  t.rows.push_back(row);
  t.provenance = provenance(report, c.semantics);
  return t;
}

}  // namespace freelunch::output
