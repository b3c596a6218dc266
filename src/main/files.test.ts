// Issue 4: hostile file names and the save flow (sanitized default name, never overwrite, never escape the chosen
// folder, executable warning). Electron is reached only through SaveDeps, faked here; writes go to a temp folder.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSaveFlow, isExecutableName, sanitizeFileName, uniquePath, type SaveDeps } from './files'

describe('sanitizeFileName (DESIGN §6)', () => {
  it.each([
    ['../../.bashrc', '.bashrc'],
    ['..\\..\\Windows\\System32\\evil.dll', 'evil.dll'],
    ['a\u202Efdp.exe', 'afdp.exe'],
    ['\u2067photo\u2069.png', 'photo.png'],
    ['CON', '_CON'],
    ['con.txt', '_con.txt'],
    ['LPT1', '_LPT1'],
    ['aux .log', '_aux .log'],
    ['a\u0000b.txt', 'ab.txt'],
    ['nul\u0000', '_nul'],
    ['', 'file'],
    ['   ', 'file'],
    ['..', 'file'],
    ['/', 'file'],
    ['report.pdf. . .', 'report.pdf'],
    ['what?<>:*|".txt', 'what.txt'],
    ['گزارش نهایی.pdf', 'گزارش نهایی.pdf'],
    ['نیم‌فاصله.txt', 'نیم‌فاصله.txt'], // ZWNJ kept: Persian spelling needs it
    ['zero\u200Bwidth.exe', 'zerowidth.exe'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected)
  })

  it('300 characters: cut to 200 keeping the extension', () => {
    const out = sanitizeFileName('a'.repeat(300) + '.pdf')
    expect(out).toHaveLength(200)
    expect(out.endsWith('.pdf')).toBe(true)
  })

  it('long Persian names stay within 240 UTF-8 bytes and keep the extension', () => {
    const out = sanitizeFileName('گ'.repeat(300) + '.docx')
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(240)
    expect(out.endsWith('.docx')).toBe(true)
  })

  it('never yields a path, a control or bidi character, a reserved name or an empty string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        const out = sanitizeFileName(s)
        expect(out.length).toBeGreaterThan(0)
        expect(out.length).toBeLessThanOrEqual(200)
        // eslint-disable-next-line no-control-regex
        expect(out).not.toMatch(/[\\/\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/)
        expect(out).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i)
        expect(out).not.toMatch(/^\.+$/)
        expect(out).not.toMatch(/[. ]$/)
      }),
      { numRuns: 500 },
    )
  })

  it('knows executables by extension, case-insensitively', () => {
    expect(isExecutableName('setup.EXE')).toBe(true)
    expect(isExecutableName('run.sh')).toBe(true)
    expect(isExecutableName('x.lnk')).toBe(true)
    expect(isExecutableName('photo.png')).toBe(false)
    expect(isExecutableName('exe')).toBe(false)
  })
})

describe('save flow', () => {
  let dir: string
  let deps: SaveDeps & { dialogs: Array<{ defaultPath: string }>; boxes: unknown[]; shown: string[] }
  let chosen: string | undefined
  let boxAnswer = 0

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cht-save-'))
    chosen = undefined
    boxAnswer = 0
    const d = {
      dialogs: [] as Array<{ defaultPath: string }>,
      boxes: [] as unknown[],
      shown: [] as string[],
      showSaveDialog: vi.fn(async (o: { defaultPath: string }) => {
        d.dialogs.push(o)
        return chosen === undefined ? { canceled: true } : { canceled: false, filePath: chosen }
      }),
      showMessageBox: vi.fn(async (o: unknown) => {
        d.boxes.push(o)
        return { response: boxAnswer }
      }),
      showItemInFolder: (p: string) => void d.shown.push(p),
      defaultDir: () => dir,
      locale: () => 'en',
    }
    deps = d
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const writer = (text: string) => async (dest: string) => writeFile(dest, text, { flag: 'wx' })

  it('suggests a sanitized name in the default folder, writes there and reveals (never opens) it', async () => {
    const flow = createSaveFlow(deps)
    chosen = join(dir, 'report.pdf')
    const r = await flow.saveFile({ name: '../../a\u202Efdp.pdf', write: writer('pdf bytes') })
    expect(deps.dialogs[0].defaultPath).toBe(join(dir, 'afdp.pdf'))
    expect(r).toEqual({ savedId: expect.any(String), warnedExecutable: false })
    expect(readFileSync(join(dir, 'report.pdf'), 'utf8')).toBe('pdf bytes')
    await flow.showSaved(r.savedId!)
    expect(deps.shown).toEqual([join(dir, 'report.pdf')])
    expect(() => flow.showSaved('unknown-id')).toThrow()
  })

  it('never overwrites: an existing name becomes "name (1).ext", then "(2)"', async () => {
    writeFileSync(join(dir, 'a.txt'), 'original')
    writeFileSync(join(dir, 'a (1).txt'), 'also taken')
    const flow = createSaveFlow(deps)
    chosen = join(dir, 'a.txt')
    await flow.saveFile({ name: 'a.txt', write: writer('new') })
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('original')
    expect(readFileSync(join(dir, 'a (1).txt'), 'utf8')).toBe('also taken')
    expect(readFileSync(join(dir, 'a (2).txt'), 'utf8')).toBe('new')
    expect(await uniquePath(dir, 'a.txt')).toBe(join(dir, 'a (3).txt'))
  })

  it('a file appearing between the check and the write is not overwritten either', async () => {
    const flow = createSaveFlow(deps)
    chosen = join(dir, 'race.txt')
    let first = true
    const r = await flow.saveFile({
      name: 'race.txt',
      write: async (dest) => {
        if (first) {
          first = false
          writeFileSync(dest, 'someone else') // appears just before our 'wx' open
        }
        await writeFile(dest, 'ours', { flag: 'wx' })
      },
    })
    expect(r.savedId).toBeDefined()
    expect(readFileSync(join(dir, 'race.txt'), 'utf8')).toBe('someone else')
    expect(readFileSync(join(dir, 'race (1).txt'), 'utf8')).toBe('ours')
  })

  it('what the user types in the dialog is sanitized too and stays in the chosen folder', async () => {
    const flow = createSaveFlow(deps)
    chosen = join(dir, 'CON')
    await flow.saveFile({ name: 'x', write: writer('1') })
    expect(readdirSync(dir)).toEqual(['_CON'])
  })

  it('warns before saving an executable; cancelling writes nothing', async () => {
    const flow = createSaveFlow(deps)
    chosen = join(dir, 'setup.exe')
    boxAnswer = 1 // Cancel
    const r = await flow.saveFile({ name: 'setup.exe', write: writer('MZ') })
    expect(r).toEqual({ warnedExecutable: true })
    expect(existsSync(join(dir, 'setup.exe'))).toBe(false)
    expect(deps.boxes[0]).toMatchObject({ type: 'warning', defaultId: 1, cancelId: 1, message: expect.stringContaining('setup.exe') })

    boxAnswer = 0 // Save anyway
    const ok = await flow.saveFile({ name: 'setup.exe', write: writer('MZ') })
    expect(ok).toEqual({ savedId: expect.any(String), warnedExecutable: true })
    expect(readFileSync(join(dir, 'setup.exe'), 'utf8')).toBe('MZ')
  })

  it('the warning speaks Persian when the UI does', async () => {
    const flow = createSaveFlow({ ...deps, locale: async () => 'fa' })
    chosen = join(dir, 'run.ps1')
    boxAnswer = 1
    await flow.saveFile({ name: 'run.ps1', write: writer('x') })
    expect(deps.boxes[0]).toMatchObject({ buttons: ['با این حال ذخیره کن', 'انصراف'] })
  })

  it('a cancelled dialog writes nothing and returns no id', async () => {
    const flow = createSaveFlow(deps)
    const write = vi.fn(writer('x'))
    expect(await flow.saveFile({ name: 'a.txt', write })).toEqual({ warnedExecutable: false })
    expect(write).not.toHaveBeenCalled()
  })

  it('a failed write leaves nothing behind and reports the error', async () => {
    const flow = createSaveFlow(deps)
    chosen = join(dir, 'broken.txt')
    await expect(flow.saveFile({ name: 'broken.txt', write: async () => { throw new Error('network down') } })).rejects.toThrow('network down')
    expect(readdirSync(dir)).toEqual([])
  })
})
