using Complaints.Web.Hosting;
using Complaints.Web.Portal;

var builder = WebApplication.CreateBuilder(args);
builder.AddWebDefaults("web");
builder.AddPortal();

var app = builder.Build();
app.UseWebDefaults();
app.MapWebHealth();
app.MapPortal();
app.Run();

/// <summary>Marker for test hosts.</summary>
public partial class Program;
