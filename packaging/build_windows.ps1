# Build the Windows one-folder app and its installer:
#   dist\leaddesk\LeadDesk.exe (window), dist\leaddesk\leaddesk-cli.exe (command line),
#   dist\LeadDesk-<version>-windows-x64-setup.exe
#
#   powershell -ExecutionPolicy Bypass -File packaging\build_windows.ps1 [-Dist dist]
#
# Needs Python 3.11+ (python.org), and Inno Setup 6 (winget install JRSoftware.InnoSetup) for the
# installer. Python packages go into .venv in the checkout.
param([string]$Dist = "dist")
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)

if (-not (Test-Path ".venv\Scripts\python.exe")) { py -3 -m venv .venv }
$Python = (Resolve-Path ".venv\Scripts\python.exe").Path
& $Python -m pip install -q --upgrade pip
& $Python -m pip install -q -e ".[package]"
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }

# The version lives in src\leaddesk\__init__.py only.
$Version = (& $Python -c "import re,pathlib; print(re.search(r'__version__ = `"(.+)`"', pathlib.Path('src/leaddesk/__init__.py').read_text())[1])").Trim()

$Work = Join-Path $env:TEMP "leaddesk-build-$Version"
& $Python -m PyInstaller --noconfirm --clean --log-level WARN --distpath $Dist --workpath $Work packaging\leaddesk.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

# Smoke test: the console twin opens the window offscreen on the demo data and quits.
$env:QT_QPA_PLATFORM = "offscreen"; $env:LEADDESK_SMOKE_TEST = "1"
$env:LEADDESK_DATA_DIR = Join-Path $Work "smoke-data"; $env:LEADDESK_CONFIG_DIR = Join-Path $Work "smoke-config"
& "$Dist\leaddesk\leaddesk-cli.exe" demo
if ($LASTEXITCODE -ne 0) { throw "the bundle did not start" }
Remove-Item Env:QT_QPA_PLATFORM, Env:LEADDESK_SMOKE_TEST, Env:LEADDESK_DATA_DIR, Env:LEADDESK_CONFIG_DIR

$Iscc = Get-Command iscc -ErrorAction SilentlyContinue
if (-not $Iscc) { $Iscc = Get-Item "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe" -ErrorAction SilentlyContinue | Select-Object -First 1 }
if (-not $Iscc) { Write-Warning "Inno Setup 6 not found: built $Dist\leaddesk only, no installer"; exit 0 }
$DistFull = (Resolve-Path $Dist).Path
& $Iscc "/DAppVersion=$Version" "/DDistDir=$DistFull" packaging\windows\leaddesk.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Get-ChildItem "$Dist\LeadDesk-$Version-windows-x64-setup.exe"
