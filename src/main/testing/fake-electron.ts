// A small stand-in for the Electron API, for `vi.mock('electron', () => import('./testing/fake-electron'))`.
// Electron cannot start on these machines (DESIGN §5); only the Electron API is faked, never our own code.
import { EventEmitter } from 'node:events'
import { vi } from 'vitest'

type Handler = (...args: never[]) => unknown

export class FakeFrame {
  constructor(public url = '') {}
}

export class FakeWebContents extends EventEmitter {
  mainFrame = new FakeFrame()
  /** The session this contents belongs to (spell-check dictionary calls land here). */
  session: FakeSession = session.defaultSession
  /** Every replaceMisspelling(word) call, in order. */
  replaced: string[] = []
  replaceMisspelling(word: string): void {
    this.replaced.push(word)
  }
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | undefined
  sent: Array<[string, unknown]> = []
  destroyed = false
  loading = false
  reloads = 0
  crashedByUs = 0
  zoomLevel = 0
  isLoading(): boolean {
    return this.loading
  }
  /** Like Electron: the page starts loading again (a test ends it with finishLoad()). */
  reload(): void {
    this.reloads++
    this.loading = true
  }
  finishLoad(): void {
    this.loading = false
    this.emit('did-finish-load')
  }
  forcefullyCrashRenderer(): void {
    this.crashedByUs++
    this.emit('render-process-gone', {}, { reason: 'killed', exitCode: 9 })
  }
  setZoomLevel(level: number): void {
    this.zoomLevel = level
  }
  getZoomLevel(): number {
    return this.zoomLevel
  }
  setWindowOpenHandler(h: FakeWebContents['windowOpenHandler']): void {
    this.windowOpenHandler = h
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload])
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  /** Emits like Electron: returns whether a listener called preventDefault. */
  emitNavigation(name: 'will-navigate' | 'will-redirect' | 'will-attach-webview', url: string): boolean {
    let prevented = false
    const event = { url, preventDefault: () => { prevented = true } }
    this.emit(name, event, url)
    return prevented
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = []
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.instances.filter((w) => !w.destroyed)
  }
  webContents = new FakeWebContents()
  destroyed = false
  loadedUrl: string | undefined
  bounds = { x: 0, y: 0, width: 0, height: 0 }
  maximized = false
  shown = false
  visible = false
  focused = false
  minimized = false
  title = ''
  /** Every flashFrame(flag) call, in order. */
  flashes: boolean[] = []
  overlay: { image: FakeNativeImage | null; description: string } | undefined
  constructor(public options: Record<string, unknown> & { webPreferences?: Record<string, unknown> }) {
    super()
    const o = options as { x?: number; y?: number; width?: number; height?: number }
    this.bounds = { x: o.x ?? 0, y: o.y ?? 0, width: o.width ?? 800, height: o.height ?? 600 }
    BrowserWindow.instances.push(this)
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url
    this.webContents.mainFrame.url = url
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  close(): void {
    if (this.destroyed) return
    let prevented = false
    this.emit('close', { preventDefault: () => { prevented = true } })
    if (prevented) return
    this.destroyed = true
    this.visible = false
    this.webContents.destroyed = true
    this.emit('closed')
  }
  getNormalBounds() {
    return { ...this.bounds }
  }
  setBounds(b: Partial<BrowserWindow['bounds']>): void {
    this.bounds = { ...this.bounds, ...b }
  }
  isMaximized(): boolean {
    return this.maximized
  }
  maximize(): void {
    this.maximized = true
  }
  isMinimized(): boolean {
    return this.minimized
  }
  minimize(): void {
    this.minimized = true
    this.blur()
  }
  restore(): void {
    this.minimized = false
  }
  show(): void {
    this.shown = true
    this.visible = true
  }
  hide(): void {
    this.visible = false
    this.blur()
    this.emit('hide')
  }
  isVisible(): boolean {
    return this.visible
  }
  isFocused(): boolean {
    return this.focused
  }
  focus(): void {
    if (this.focused) return
    this.focused = true
    this.emit('focus')
  }
  /** Another app took the focus. */
  blur(): void {
    if (!this.focused) return
    this.focused = false
    this.emit('blur')
  }
  setTitle(title: string): void {
    this.title = title
  }
  getTitle(): string {
    return this.title
  }
  flashFrame(flag: boolean): void {
    this.flashes.push(flag)
  }
  setOverlayIcon(image: FakeNativeImage | null, description: string): void {
    this.overlay = { image, description }
  }
}

export class FakeNativeImage {
  constructor(public buffer: Buffer = Buffer.alloc(0), public scaleFactor = 1) {}
  isEmpty(): boolean {
    return this.buffer.length === 0
  }
  toPNG(): Buffer {
    return this.buffer
  }
}

export const nativeImage = {
  createFromBuffer: (buffer: Buffer, opts?: { scaleFactor?: number }) => new FakeNativeImage(buffer, opts?.scaleFactor ?? 1),
  createEmpty: () => new FakeNativeImage(),
}

export class Notification extends EventEmitter {
  static instances: Notification[] = []
  static supported = true
  static isSupported(): boolean {
    return Notification.supported
  }
  shown = false
  closed = false
  constructor(public options: { title?: string; body?: string; silent?: boolean; icon?: unknown }) {
    super()
    Notification.instances.push(this)
  }
  show(): void {
    this.shown = true
  }
  close(): void {
    if (this.closed) return
    this.closed = true
    this.emit('close', {})
  }
  /** The user clicked it. */
  click(): void {
    this.emit('click', {})
  }
}

export interface FakeMenuItem {
  label?: string
  role?: string
  type?: string
  accelerator?: string
  enabled?: boolean
  visible?: boolean
  checked?: boolean
  click?: (...args: unknown[]) => void
  submenu?: FakeMenuItem[] | FakeMenu
}

export class FakeMenu {
  static popups: Array<{ menu: FakeMenu; options: unknown }> = []
  constructor(public items: FakeMenuItem[]) {}
  popup(options?: unknown): void {
    FakeMenu.popups.push({ menu: this, options })
  }
  /** The item at a label path, e.g. find('Do Not Disturb', '1 hour'). */
  find(...labels: string[]): FakeMenuItem | undefined {
    let items: FakeMenuItem[] | undefined = this.items
    let found: FakeMenuItem | undefined
    for (const label of labels) {
      found = items?.find((i) => i.label === label)
      const sub: FakeMenuItem[] | FakeMenu | undefined = found?.submenu
      items = sub instanceof FakeMenu ? sub.items : sub
    }
    return found
  }
}

export const Menu = {
  applicationMenu: null as FakeMenu | null,
  buildFromTemplate: (template: FakeMenuItem[]) => new FakeMenu(template),
  setApplicationMenu: (menu: FakeMenu | null) => {
    Menu.applicationMenu = menu
  },
}

export class Tray extends EventEmitter {
  static instances: Tray[] = []
  menu: FakeMenu | null = null
  tooltip = ''
  destroyed = false
  constructor(public image: FakeNativeImage) {
    super()
    Tray.instances.push(this)
  }
  setImage(image: FakeNativeImage): void {
    this.image = image
  }
  setToolTip(tip: string): void {
    this.tooltip = tip
  }
  setContextMenu(menu: FakeMenu | null): void {
    this.menu = menu
  }
  destroy(): void {
    this.destroyed = true
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
}

export class FakeCookies extends EventEmitter {}

export class FakeSession {
  permissionRequestHandler: Handler | undefined
  permissionCheckHandler: Handler | undefined
  protocolHandlers = new Map<string, (req: Request) => Promise<Response> | Response>()
  cookies = new FakeCookies()
  cleared = 0
  /** Chromium's Hunspell languages (a few of them) and what was chosen / added. */
  availableSpellCheckerLanguages = ['af', 'en-GB', 'en-US', 'fa', 'fr', 'tr']
  spellCheckerLanguages: string[] = []
  dictionaryWords: string[] = []
  setSpellCheckerLanguages(languages: string[]): void {
    this.spellCheckerLanguages = [...languages]
  }
  addWordToSpellCheckerDictionary(word: string): boolean {
    this.dictionaryWords.push(word)
    return true
  }
  protocol = {
    handle: (scheme: string, h: (req: Request) => Promise<Response> | Response) => {
      this.protocolHandlers.set(scheme, h)
    },
  }
  constructor(public partition = '') {}
  setPermissionRequestHandler(h: Handler): void {
    this.permissionRequestHandler = h
  }
  setPermissionCheckHandler(h: Handler): void {
    this.permissionCheckHandler = h
  }
  async clearStorageData(): Promise<void> {
    this.cleared++
  }
}

const partitions = new Map<string, FakeSession>()
export const session = {
  defaultSession: new FakeSession('default'),
  fromPartition(partition: string): FakeSession {
    let s = partitions.get(partition)
    if (!s) partitions.set(partition, (s = new FakeSession(partition)))
    return s
  },
  partitions,
}

export const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  userData: '/nonexistent',
  locale: 'en',
  getPath: (_name: string) => app.userData,
  getVersion: () => '0.0.0-test',
  getLocale: () => app.locale,
  enableSandbox: vi.fn(),
  setAppUserModelId: vi.fn(),
  requestSingleInstanceLock: vi.fn(() => true),
  quit: vi.fn(),
  whenReady: () => Promise.resolve(),
  badgeCount: 0,
  setBadgeCount: vi.fn((n?: number) => {
    app.badgeCount = n ?? 0
    return true
  }),
  loginItem: { openAtLogin: false } as { openAtLogin: boolean },
  setLoginItemSettings: vi.fn((s: { openAtLogin?: boolean }) => {
    app.loginItem = { openAtLogin: !!s.openAtLogin }
  }),
  getLoginItemSettings: () => ({ ...app.loginItem }),
})

export const protocol = {
  registerSchemesAsPrivileged: vi.fn(),
  handle: (scheme: string, h: (req: Request) => Promise<Response> | Response) => session.defaultSession.protocol.handle(scheme, h),
}

export const screen = {
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  getAllDisplays: () => screen.displays,
}

export const shell = {
  openExternal: vi.fn(async (_url: string, _opts?: unknown) => undefined),
  /** '' = opened (Electron's contract); a test sets another answer to simulate "no app for this file". */
  openPath: vi.fn(async (_path: string) => ''),
}

export const clipboard = {
  text: '',
  writeText: vi.fn((text: string) => {
    clipboard.text = text
  }),
  readText: () => clipboard.text,
}

/** Registered handlers, as Electron keeps them (one per channel). */
const ipcHandlers = new Map<string, (...args: unknown[]) => unknown>()

export const ipcMain = {
  handlers: ipcHandlers,
  handle(channel: string, fn: (...args: unknown[]) => unknown): void {
    if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    ipcHandlers.set(channel, fn)
  },
  removeHandler(channel: string): void {
    ipcHandlers.delete(channel)
  },
  on: vi.fn(),
}

export const ipcRenderer = Object.assign(new EventEmitter(), {
  invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ ok: true, value: null })),
})

/** The path Electron would give a dropped File; tests mark such files with `__path`. */
export const webUtils = {
  getPathForFile: vi.fn((f: File) => (f as File & { __path?: string }).__path ?? ''),
}

export const contextBridge = { exposeInMainWorld: vi.fn() }

export const safeStorage = {
  available: true,
  backend: 'gnome_libsecret' as string,
  isEncryptionAvailable: () => safeStorage.available,
  getSelectedStorageBackend: () => safeStorage.backend,
  // Reversible stand-in for the keychain: XOR, so the plaintext never appears in the file.
  encryptString: (s: string) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
  decryptString: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
}

export const dialog = {
  showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 1, checkboxChecked: false })),
}

export const powerMonitor = new EventEmitter()
export const net = { online: true, isOnline: () => net.online }

export function resetFakeElectron(): void {
  BrowserWindow.instances = []
  partitions.clear()
  session.defaultSession = new FakeSession('default')
  app.isPackaged = false
  app.locale = 'en'
  app.removeAllListeners()
  ipcHandlers.clear()
  ipcRenderer.removeAllListeners()
  safeStorage.available = true
  safeStorage.backend = 'gnome_libsecret'
  net.online = true
  powerMonitor.removeAllListeners()
  screen.displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }]
  app.badgeCount = 0
  app.loginItem = { openAtLogin: false }
  Notification.instances = []
  Notification.supported = true
  Tray.instances = []
  Menu.applicationMenu = null
  FakeMenu.popups = []
  clipboard.text = ''
  vi.clearAllMocks()
}

export default {
  app, BrowserWindow, protocol, session, screen, shell, clipboard, ipcMain, ipcRenderer, contextBridge, safeStorage, dialog,
  powerMonitor, net, Notification, Tray, Menu, nativeImage,
}
