// `freelunch check <id...|all>`: runs proofs on a grid, prints a summary, writes JSON lines and
// tables. Exit 0 when every check holds, 1 when one fails, 2 for usage errors.
#include <memory>

#include <CLI/CLI.hpp>

#include "cli/check_runner.hpp"
#include "cli/commands.hpp"

namespace freelunch::cli {

void setup_check(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<CheckOptions>();
  CLI::App* sub = app.add_subcommand("check", "Run proofs on a grid of instances and write results and tables");
  add_check_options(*sub, *opt, true);
  add_check_json_flag(*sub, *opt);
  sub->callback([opt, &exit_code] { exit_code = run_check(*opt); });
}

}  // namespace freelunch::cli
