import { describe, expect, it } from 'vitest'
import { checkFiles, dragHasFiles, extensionOf, fileKind, formatBytes, guardWindowDrops, pastedImageName } from './files'

const units = (u: string, n: string) => `${n} ${u}`

describe('files helpers', () => {
  it('tells the kind from the extension first, then the MIME type', () => {
    expect(fileKind('report.PDF')).toBe('pdf')
    expect(fileKind('photo.jpeg', 'application/octet-stream')).toBe('image')
    expect(fileKind('setup.exe')).toBe('program')
    expect(fileKind('archive.tar.gz')).toBe('archive')
    expect(fileKind('noext', 'video/mp4')).toBe('video')
    expect(fileKind('noext', 'text/plain')).toBe('text')
    expect(fileKind('weird.qqq')).toBe('other')
    expect(extensionOf('.bashrc')).toBe('')
    expect(extensionOf('a/b/c.Tar.GZ')).toBe('gz')
  })

  it('formats sizes with the locale digits', () => {
    expect(formatBytes('en', 512, units)).toBe('512 b')
    expect(formatBytes('en', 2048, units)).toBe('2 kb')
    expect(formatBytes('en', 25 * 1024 * 1024, units)).toBe('25 mb')
    expect(formatBytes('en', 1.5 * 1024 ** 3, units)).toBe('1.5 gb')
    expect(formatBytes('fa', 2048, units)).toBe('۲ kb')
  })

  it('refuses oversize, empty files and folders before anything is read', () => {
    const r = checkFiles(
      [{ name: 'ok.txt', size: 10 }, { name: 'big.iso', size: 101 }, { name: 'empty', size: 0 }, { name: 'dir', size: 4096, isFolder: true }],
      100,
    )
    expect(r.ok).toEqual([0])
    expect(r.problems).toEqual([
      { code: 'file.too-large', name: 'big.iso', size: 101 },
      { code: 'file.empty', name: 'empty' },
      { code: 'file.folder', name: 'dir' },
    ])
    expect(checkFiles([{ name: 'exact', size: 100 }], 100).ok).toEqual([0])
  })

  it('names pasted images by time with their type', () => {
    const at = new Date(2024, 2, 5, 7, 8, 9).getTime()
    expect(pastedImageName('image/png', at)).toBe('pasted-20240305-070809.png')
    expect(pastedImageName('image/jpeg', at)).toBe('pasted-20240305-070809.jpg')
  })

  it('only drags that carry files count', () => {
    expect(dragHasFiles({ types: ['Files'] } as unknown as DataTransfer)).toBe(true)
    expect(dragHasFiles({ types: ['text/plain', 'text/uri-list'] } as unknown as DataTransfer)).toBe(false)
    expect(dragHasFiles(null)).toBe(false)
  })

  it('the window guard keeps unhandled drops from navigating, but lets text drop into a text field', () => {
    const off = guardWindowDrops(window)
    try {
      const files = new Event('drop', { bubbles: true, cancelable: true })
      Object.defineProperty(files, 'dataTransfer', { value: { types: ['Files'] } })
      document.body.dispatchEvent(files)
      expect(files.defaultPrevented).toBe(true)

      const link = new Event('drop', { bubbles: true, cancelable: true })
      Object.defineProperty(link, 'dataTransfer', { value: { types: ['text/uri-list'] } })
      document.body.dispatchEvent(link)
      expect(link.defaultPrevented).toBe(true)

      const ta = document.createElement('textarea')
      document.body.append(ta)
      const text = new Event('drop', { bubbles: true, cancelable: true })
      Object.defineProperty(text, 'dataTransfer', { value: { types: ['text/plain'] } })
      ta.dispatchEvent(text)
      expect(text.defaultPrevented).toBe(false)
      ta.remove()
    } finally {
      off()
    }
  })
})
