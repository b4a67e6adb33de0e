#include "output/result_cells.hpp"

#include <algorithm>
#include <cmath>

namespace freelunch::output {

ResultCells collect_cells(const ProofReport& report, const std::string& check) {
  ResultCells c;
  for (const CheckResult& r : report.results) {
    if (r.check != check) continue;
    if (std::find(c.instances.begin(), c.instances.end(), r.instance) == c.instances.end()) c.instances.push_back(r.instance);
    c.at[{r.instance, r.precision}] = &r;
    c.semantics = r.semantics;
  }
  return c;
}

std::vector<std::vector<std::string>> instance_rows(const ResultCells& cells, const std::vector<std::string>& columns, const std::string& prefix,
                                                   const std::function<std::string(const CheckResult&)>& cell_of) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& instance : cells.instances) {
    std::vector<std::string> row{prefix + instance};
    for (const std::string& column : columns) {
      auto it = cells.at.find({instance, column});
      row.push_back(it == cells.at.end() ? "--" : cell_of(*it->second));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string largest_size_cell(const CheckResult& r) {
  const nlohmann::json& d = r.data;
  std::string cell = d.value("reached_cap", false) ? "none up to " + std::to_string(d["cap"].get<std::size_t>())
                     : d["largest"].is_null()      ? std::string("0")
                                                   : std::to_string(d["largest"].get<std::size_t>());
  if (d.value("cause", std::string()).starts_with("rounding")) cell += "*";
  if (d.contains("bound_text")) cell += " (" + d["bound_text"].get<std::string>() + ")";
  else if (d.contains("bound") && d["bound"].is_number()) cell += " (" + std::to_string(static_cast<long>(std::floor(d["bound"].get<double>()))) + ")";
  return cell;
}

}  // namespace freelunch::output
