import { afterEach, describe, expect, it, vi } from 'vitest';
import { viewRequests } from '../../../../src/renderer/ui/view-requests';

describe('view requests', () => {
  afterEach(() => vi.useRealTimers());

  it('reach only the views showing their key, while they listen', () => {
    const requests = viewRequests<'a' | 'b'>();
    const one = vi.fn();
    const two = vi.fn();
    const stop = requests.on('lane-1', one);
    requests.on('lane-2', two);
    expect(requests.ask('lane-1', 'a')).toBe(true);
    expect(one).toHaveBeenCalledWith('a');
    expect(two).not.toHaveBeenCalled();
    stop();
    expect(requests.ask('lane-1', 'b')).toBe(false);
    expect(one).toHaveBeenCalledTimes(1);
  });

  it('without waiting, a request nobody heard is gone: a view mounted after it does nothing', () => {
    const requests = viewRequests();
    expect(requests.ask('agent')).toBe(false);
    const late = vi.fn();
    requests.on('agent', late);
    expect(late).not.toHaveBeenCalled();
  });

  it('a waiting kind hands a request to the view that mounts within the wait, once', () => {
    vi.useFakeTimers();
    const requests = viewRequests<string>({ waitMs: 2000 });
    expect(requests.ask('lane', 'remove')).toBe(false);
    vi.advanceTimersByTime(1500);
    const view = vi.fn();
    requests.on('lane', view);
    expect(view).toHaveBeenCalledWith('remove');
    const again = vi.fn();
    requests.on('lane', again);
    expect(again).not.toHaveBeenCalled();
  });

  it('a waiting request lapses after the wait, goes only to its own key, and a newer one replaces it', () => {
    vi.useFakeTimers();
    const requests = viewRequests<string>({ waitMs: 2000 });
    requests.ask('lane', 'old');
    vi.advanceTimersByTime(2001);
    const late = vi.fn();
    requests.on('lane', late);
    expect(late).not.toHaveBeenCalled();

    requests.ask('x', 'first');
    requests.ask('y', 'second');
    const x = vi.fn();
    const y = vi.fn();
    requests.on('x', x);
    requests.on('y', y);
    expect(x).not.toHaveBeenCalled();
    expect(y).toHaveBeenCalledWith('second');
  });

  it('a request heard at once does not wait for a later view too', () => {
    const requests = viewRequests({ waitMs: 2000 });
    requests.on('agent', vi.fn());
    expect(requests.ask('agent')).toBe(true);
    const second = vi.fn();
    requests.on('agent', second);
    expect(second).not.toHaveBeenCalled();
  });
});
