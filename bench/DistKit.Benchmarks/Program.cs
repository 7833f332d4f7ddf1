using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/DistKit.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
