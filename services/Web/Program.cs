using Complaints.Web.Console;
using Complaints.Web.Hosting;
using Complaints.Web.Portal;

var builder = WebApplication.CreateBuilder(args);
builder.AddWebDefaults("web");
builder.AddPortal();
builder.AddConsole();

var app = builder.Build();
app.UseWebDefaults();
app.MapWebHealth();
app.UseConsole();
app.MapPortal();
app.MapConsole();
app.Run();

/// <summary>Marker for test hosts.</summary>
public partial class Program;
