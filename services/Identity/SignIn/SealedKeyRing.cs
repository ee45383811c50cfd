using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Complaints.Identity.Data;
using Complaints.Identity.Keys;
using Complaints.ServiceDefaults.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace Complaints.Identity.SignIn;

/// <summary>
/// The data-protection key ring of Identity's cookies, antiforgery tokens and reset links: in Identity's own database,
/// so every replica uses the same keys without a shared volume, and each key sealed (AES-GCM) under a key derived from
/// <c>Identity:EncryptionKey</c>, so a copy of the database alone cannot forge a session.
/// </summary>
public static class SealedKeyRing
{
    private static readonly byte[] Purpose = Encoding.ASCII.GetBytes("complaints-identity/data-protection-keys");

    public static WebApplicationBuilder AddSealedKeyRing(this WebApplicationBuilder builder)
    {
        builder.Services.AddDataProtection()
            .SetApplicationName("complaints-identity")
            .PersistKeysToDbContext<IdentityProviderDbContext>();
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, services) => o.XmlEncryptor = new Encryptor(services));
        return builder;
    }

    /// <summary>The sealing key: derived, so Identity:EncryptionKey itself serves OpenIddict alone.</summary>
    private static byte[] Key(IServiceProvider services) => HKDF.DeriveKey(HashAlgorithmName.SHA256,
        SigningKeys.LoadEncryptionKey(services.GetRequiredService<IConfiguration>(), services.GetRequiredService<IHostEnvironment>()).Key,
        32, info: Purpose);

    private sealed class Encryptor(IServiceProvider services) : IXmlEncryptor
    {
        public EncryptedXmlInfo Encrypt(XElement plaintextElement)
        {
            var sealedBytes = SealedBox.Seal(Key(services), Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting)), Purpose);
            return new EncryptedXmlInfo(new XElement("sealed", Convert.ToBase64String(sealedBytes)), typeof(Decryptor));
        }
    }

    /// <summary>Made by the key manager by type name from the stored XML, with the application's services.</summary>
    public sealed class Decryptor(IServiceProvider services) : IXmlDecryptor
    {
        public XElement Decrypt(XElement encryptedElement) =>
            XElement.Parse(Encoding.UTF8.GetString(SealedBox.Open(Key(services), Convert.FromBase64String(encryptedElement.Value), Purpose)));
    }
}
