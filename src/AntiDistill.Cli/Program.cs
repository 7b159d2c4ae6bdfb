using AntiDistill.Cli;

return await CliApp.RunAsync(args).ConfigureAwait(false);
