using DistKit.Testing;

[assembly: AssemblyFixture(typeof(RedisFixture))]
