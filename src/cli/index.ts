export { main, run, CliIo } from './main';
export { parseArgs, UsageError, USAGE, ParsedArgs, CheckCommand, OutputFormat, ReachCommand, ReachOutputFormat } from './args';
