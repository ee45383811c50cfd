using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Complaints.ServiceDefaults.Data;
using Complaints.ServiceDefaults.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using StackExchange.Redis;

namespace Complaints.Web.Hosting;

/// <summary>
/// The data-protection key ring behind the web app's cookies, antiforgery tokens and form ids. It is shared by every
/// replica through Redis when <c>ConnectionStrings:Redis</c> is set, else kept in <c>{DataDir}/web-keys</c>, so
/// sessions survive restarts. Each key is sealed (AES-GCM) under <c>Web:KeyEncryptionKey</c> (32 bytes, base64),
/// so a copy of Redis or of the folder alone cannot forge a session.
/// </summary>
public static class WebKeyRing
{
    public const string KeyEncryptionKeySetting = "Web:KeyEncryptionKey";

    private static readonly byte[] Purpose = Encoding.ASCII.GetBytes("complaints-web/data-protection-keys");

    public static WebApplicationBuilder AddWebKeyRing(this WebApplicationBuilder builder)
    {
        var sealingKey = LoadKey(builder.Configuration);
        builder.Services.AddSingleton(new SealingKey(sealingKey));
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("complaints-web");
        if (builder.Configuration.GetConnectionString("Redis") is not { Length: > 0 })
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(builder.Configuration.DataDirectory(), "web-keys")));
        }
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, services) =>
        {
            o.XmlEncryptor = new Encryptor(services.GetRequiredService<SealingKey>());
            if (services.GetService<IConnectionMultiplexer>() is { } redis)
            {
                o.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), "complaints-web:data-protection-keys");
            }
        });
        return builder;
    }

    private static byte[] LoadKey(IConfiguration configuration) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, SealedBox.ReadKey(configuration, KeyEncryptionKeySetting), 32, info: Purpose);

    public sealed record SealingKey(byte[] Key);

    private sealed class Encryptor(SealingKey key) : IXmlEncryptor
    {
        public EncryptedXmlInfo Encrypt(XElement plaintextElement)
        {
            var sealedBytes = SealedBox.Seal(key.Key, Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting)), Purpose);
            return new EncryptedXmlInfo(new XElement("sealed", Convert.ToBase64String(sealedBytes)), typeof(Decryptor));
        }
    }

    /// <summary>Made by the key manager by type name from the stored XML, with the application's services.</summary>
    public sealed class Decryptor(IServiceProvider services) : IXmlDecryptor
    {
        public XElement Decrypt(XElement encryptedElement) => XElement.Parse(Encoding.UTF8.GetString(
            SealedBox.Open(services.GetRequiredService<SealingKey>().Key, Convert.FromBase64String(encryptedElement.Value), Purpose)));
    }
}
