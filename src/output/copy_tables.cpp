#include "output/copy_tables.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <variant>

#include "output/provenance.hpp"
#include "tasks/magnitude_bound.hpp"

namespace freelunch::output {

LatexTable t3_threshold_table(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  LatexTable t;
  t.caption = "T3: largest copy length L that the slot construction still copies (decoded, all +-1 inputs), per "
              "arithmetic; in brackets the T1a magnitude bound log(beta_max^2)/log(1/a) for one nonzero product. The bound "
              "is for exact COPY: decoded COPY tolerates an error below 1/2 and may pass it by a step (saturating fixed "
              "point); far below it, the rounded decay no longer matches the compensation (a precision failure).";
  t.label = "tab:t3-threshold";
  t.header = {"decay, split"};
  for (const auto& p : precisions) t.header.push_back(p.name);
  std::vector<std::string> row_names;
  std::map<std::pair<std::string, std::string>, const CheckResult*> cells;
  for (const CheckResult& r : report.results) {
    if (r.check != "largest L that copies") continue;
    if (std::find(row_names.begin(), row_names.end(), r.instance) == row_names.end()) row_names.push_back(r.instance);
    cells[{r.instance, r.precision}] = &r;
  }
  std::string semantics;
  for (const std::string& row_name : row_names) {
    std::vector<std::string> row{row_name};
    for (const auto& p : precisions) {
      auto it = cells.find({row_name, p.name});
      if (it == cells.end()) {
        row.push_back("--");
        continue;
      }
      const CheckResult& r = *it->second;
      semantics = r.semantics;
      std::string cell = r.data.contains("reached_cap") && r.data["reached_cap"].get<bool>()
                             ? "none up to " + std::to_string(r.data["cap"].get<std::size_t>())
                             : (r.data["largest"].is_null() ? std::string("0") : std::to_string(r.data["largest"].get<std::size_t>()));
      const Rational a(r.data["decay"].get<std::string>());
      const auto log2_beta = tasks::log2_largest_finite(p);
      if (log2_beta && a < 1) cell += " (" + std::to_string(tasks::magnitude_bound(*log2_beta, 1, a)) + ")";
      row.push_back(cell);
    }
    t.rows.push_back(row);
  }
  t.provenance = provenance(report, semantics);
  return t;
}

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

// "none up to 4096", "31 (32)", "731* (22713)": the largest size, the bound in brackets, a star
// when the first failure is a finite rounding error rather than a non-finite value.
std::string largest_cell(const CheckResult& r) {
  const nlohmann::json& d = r.data;
  if (d.value("reached_cap", false)) return "none up to " + std::to_string(d["cap"].get<std::size_t>());
  std::string cell = d["largest"].is_null() ? std::string("0") : std::to_string(d["largest"].get<std::size_t>());
  if (d.contains("cause") && d["cause"].get<std::string>().starts_with("rounding")) cell += "*";
  if (d.contains("bound")) {
    if (d["bound"].is_number_integer()) cell += " (" + std::to_string(d["bound"].get<long>()) + ")";
    else cell += " (" + std::to_string(static_cast<long>(std::floor(d["bound"].get<double>()))) + ")";
  }
  return cell;
}

}  // namespace

LatexTable t1_separation_table(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  LatexTable t;
  t.caption = "T1: the largest copy length that still works, per cause and arithmetic. T1a: largest distance one state entry "
              "copies (decoded, +-1, balanced compensation), bound log(beta_max^2)/log(1/a) in brackets. T1b: largest full-copy "
              "length an n = 8 layer copies; L > n fails in every arithmetic (block rank <= n). T1c: largest L whose |V|^L "
              "sequences give distinct states of one entry, bound log|F|/log|V| in brackets. * marks a failure by rounding "
              "error (precision) instead of a non-finite value (range). The T1a bound is for exact COPY: decoded COPY tolerates an "
              "error below 1/2 and may pass it by a step (saturating fixed point). Rows that change across columns are what rounding "
              "breaks; a row equal in every column is what no arithmetic fixes.";
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
  add_rows("T1b largest length with n = 8", "T1b rank, ");
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
