export { main, run, CliIo } from './main';
export { parseArgs, UsageError, USAGE, ParsedArgs, CheckCommand, OutputFormat } from './args';
