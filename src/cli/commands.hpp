#pragma once
// One function pair per subcommand (CLI11's subcommands-in-files layout): setup_* binds the
// options to a struct and the callback to run_*.
// CLI11 is not included here: its header costs ~7 s of compile time in every file that includes it
// (it defines its validator objects in the header), so only the files that bind options include it.
namespace CLI {
class App;
}  // namespace CLI

namespace freelunch::cli {

void setup_list(CLI::App& app);
void setup_precisions(CLI::App& app);
void setup_check(CLI::App& app, int& exit_code);
void setup_copy(CLI::App& app, int& exit_code);
void setup_cot(CLI::App& app, int& exit_code);
void setup_eval(CLI::App& app, int& exit_code);
void setup_report(CLI::App& app, int& exit_code);
void setup_track(CLI::App& app, int& exit_code);
void setup_recall(CLI::App& app, int& exit_code);
void setup_ssd(CLI::App& app, int& exit_code);

}  // namespace freelunch::cli
