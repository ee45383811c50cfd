namespace Complaints.ServiceDefaults.Security;

/// <summary>Secrets a local run makes once under <c>DataDir</c> (data keys, signing keys).</summary>
public static class SecretFiles
{
    /// <summary>
    /// The file's text, written first when it does not exist: to a temporary file readable by its owner only, flushed,
    /// then moved into place, so a stop mid-write never leaves a partial secret, and of two processes racing the first
    /// one's file wins.
    /// </summary>
    public static string ReadOrCreate(string path, Func<string> create)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(create());
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
        }
        return File.ReadAllText(path);
    }
}
