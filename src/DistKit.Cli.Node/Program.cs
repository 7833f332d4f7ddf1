using DistKit.Cli;

return await DistKitCli.RunAsync(args, Console.Out, Console.Error);
