using DistKit.Configuration;
using DistKit.Sqlite.Configuration;

namespace DistKit.Engines.Tests.Configuration;

public sealed class SqliteConfigCenterTests : ConfigCenterContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-config-").FullName;
    private readonly SqliteConfigStore _store;

    public SqliteConfigCenterTests() => _store = new SqliteConfigStore(Path.Combine(_dir, "config.db"));

    protected override IConfigStore Store => _store;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
